using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>Health samples reach subscribers when a level changed, and only then.</summary>
public sealed class HealthEventTests
{
    [Fact]
    public async Task OnlySamplesInWhichALevelChangedArePublished()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        await using var subscription = await Subscription.StartAsync(await api.ConnectAsync());
        var publisher = new HealthChangePublisher(api.Server.Publish);

        bool[] published =
        [
            publisher.Observe(Sample(HealthLevel.Good, HealthLevel.Good, 1)),
            publisher.Observe(Sample(HealthLevel.Good, HealthLevel.Good, 2)), // same levels, later: not news
            publisher.Observe(Sample(HealthLevel.Good, HealthLevel.Warning, 3)), // a component changed, the system did not
            publisher.Observe(Sample(HealthLevel.Critical, HealthLevel.Critical, 4)),
            publisher.Observe(Sample(HealthLevel.Critical, HealthLevel.Critical, 5)),
        ];
        api.Server.Publish(new ControlEvent("test-end", null));
        var events = await subscription.ReadUntilAsync(e => e.Event == "test-end");

        Assert.Equal([true, false, true, true, false], published);
        var health = events.SkipLast(1).ToList();
        Assert.All(health, e => Assert.Equal(ControlEvent.HealthKind, e.Event));
        Assert.Equal(["Good", "Good", "Critical"], health.Select(e => e.Data!["level"]!.GetValue<string>()));
        Assert.Equal(["Good", "Warning", "Critical"], health.Select(e => e.Data!["components"]![1]!["level"]!.GetValue<string>()));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(3), health[1].Data!["at"]!.GetValue<DateTimeOffset>());
    }

    private static SystemHealth Sample(HealthLevel system, HealthLevel app, long at) => new(system,
    [
        new ComponentHealth("kernel", true, system, []),
        new ComponentHealth("app", false, app, [new ProbeResult("unit app.service", app, "as probed", TriggerKind.ServiceFailure)]),
    ], DateTimeOffset.FromUnixTimeSeconds(at));
}

using System.Diagnostics;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>Rollbacks through the socket: the live tree restored, events to subscribers in order, the confirmation
/// required, one writer at a time, and subscribers that stop reading dropped instead of holding the rollback up.</summary>
public sealed class ControlRollbackTests
{
    [Fact]
    public async Task ARollbackRestoresTheLiveTreeAndASubscriberSeesStartedProgressAndFinishedInOrder()
    {
        var (bed, good) = BedAtV2();
        await using var api = ApiTestBed.Start(bed);
        await using var subscription = await Subscription.StartAsync(await api.ConnectAsync());

        var response = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id[..8], Components = ["kernel"], Confirm = true });
        var events = await subscription.ReadUntilAsync(IsFinished);

        var result = response.EnsureSuccess();
        Assert.Equal(good.Id, result["pointId"]!.GetValue<string>());
        Assert.Equal("Completed", result["phase"]!.GetValue<string>());
        Assert.Equal(0, result["exitCode"]!.GetValue<int>());
        Assert.Equal(["kernel", "drivers"], result["components"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.NotNull(result["safetyPointId"]!.GetValue<string>());
        Assert.Equal("kernel v1\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        Assert.Equal("driver v1\n", File.ReadAllText(bed.Live("lib/modules/net.ko")));
        Assert.Equal("config v2\n", File.ReadAllText(bed.Live("etc/app.conf"))); // outside the scope: untouched

        Assert.Equal(ControlEvent.RollbackKind, events[0].Event);
        Assert.Equal("started", events[0].Data!["status"]!.GetValue<string>());
        Assert.Equal(good.Id[..8], events[0].Data!["point"]!.GetValue<string>());
        var progress = events.Skip(1).SkipLast(1).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal(ControlEvent.ProgressKind, e.Event));
        var percents = progress.Select(e => e.Data!["percent"]!.GetValue<int>()).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(100, percents[^1]);
        Assert.Contains(progress, e => e.Data!["phase"]!.GetValue<string>() == "ComponentRollback" && e.Data!["component"]?.GetValue<string>() == "kernel");
        var finished = events[^1].Data!;
        Assert.Equal(result.ToJsonString(), finished["outcome"]!.ToJsonString());
        Assert.Null(finished["error"]);

        var progressNow = (await api.AskAsync(new ControlRequest { Op = ControlOps.Progress })).EnsureSuccess();
        Assert.False(progressNow["running"]!.GetValue<bool>());
        Assert.Equal(100, progressNow["progress"]!["percent"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARollbackWithoutConfirmOrPointIsRefusedAndNothingChanges()
    {
        var (bed, good) = BedAtV2();
        int points = bed.Catalog.Points.Count;
        await using var api = ApiTestBed.Start(bed);

        var unconfirmed = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id });
        var pointless = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Confirm = true });

        Assert.False(unconfirmed.Ok);
        Assert.Equal("InvalidInput", unconfirmed.Error!.Kind);
        Assert.Equal(2, unconfirmed.Error.ExitCode);
        Assert.Contains("\"confirm\": true", unconfirmed.Error.Message);
        Assert.False(pointless.Ok);
        Assert.Contains("\"point\"", pointless.Error!.Message);
        Assert.Equal("kernel v2\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        Assert.Equal(points, bed.Catalog.Points.Count); // not even a safety point
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(bed.Store, "audit.jsonl")), l => l.Contains("\"operation\":\"rollback\""));
    }

    [Fact]
    public async Task ARollbackToAPointThatDoesNotExistAnswersNotFoundAndTheFinishedEventCarriesTheError()
    {
        var (bed, _) = BedAtV2();
        await using var api = ApiTestBed.Start(bed);
        await using var subscription = await Subscription.StartAsync(await api.ConnectAsync());

        var response = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = "ffffffffffff", Confirm = true });
        var events = await subscription.ReadUntilAsync(IsFinished);

        Assert.False(response.Ok);
        Assert.Equal("NotFound", response.Error!.Kind);
        Assert.Equal(1, response.Error.ExitCode);
        Assert.Equal(["started", "finished"], events.Select(e => e.Data!["status"]!.GetValue<string>()));
        Assert.Equal("NotFound", events[1].Data!["error"]!["kind"]!.GetValue<string>());
        Assert.Null(events[1].Data!["outcome"]);
    }

    [Fact]
    public async Task WhileARollbackRunsStatusSaysSoAndAnotherSnapshotOrRollbackIsRefused()
    {
        var (bed, good) = BedAtV2();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // Holds the running rollback at its first progress report (journaled by then), so the test can look at it mid-way.
        await using var api = ApiTestBed.Start(bed, onPublish: (e, _) =>
        {
            if (e.Event == ControlEvent.ProgressKind && !started.IsSet)
            {
                started.Set();
                release.Wait(ApiTestBed.Patience);
            }
        });

        var first = api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id, Confirm = true });
        Assert.True(started.Wait(ApiTestBed.Patience));
        var status = (await api.AskAsync(new ControlRequest { Op = ControlOps.Status })).EnsureSuccess();
        var progress = (await api.AskAsync(new ControlRequest { Op = ControlOps.Progress })).EnsureSuccess();
        var snapshot = await api.AskAsync(new ControlRequest { Op = ControlOps.Snapshot });
        var second = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id, Confirm = true });
        release.Set();
        var done = await first;

        Assert.True(status["running"]!.GetValue<bool>());
        Assert.Equal("rollback", status["runningOp"]!.GetValue<string>());
        Assert.Equal(good.Id, status["operation"]!["pointId"]!.GetValue<string>());
        Assert.True(status["operation"]!["throughApi"]!.GetValue<bool>());
        Assert.Equal(["kernel", "drivers", "config"], status["operation"]!["components"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(status["operation"]!["operationId"]!.GetValue<string>(), status["progress"]!["operationId"]!.GetValue<string>());
        Assert.True(progress["running"]!.GetValue<bool>());
        Assert.Equal("Initializing", progress["progress"]!["phase"]!.GetValue<string>());
        foreach (var refused in new[] { snapshot, second })
        {
            Assert.False(refused.Ok);
            Assert.Equal("InvalidState", refused.Error!.Kind);
            Assert.Equal(2, refused.Error.ExitCode);
            Assert.Contains($"running a rollback to {good.Id}", refused.Error.Message);
        }
        Assert.Equal("Completed", done.EnsureSuccess()["phase"]!.GetValue<string>());
        Assert.Equal("kernel v1\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
    }

    [Fact]
    public async Task AWriterInAnotherProcessMakesTheRollbackRefusedAtOnce()
    {
        var (bed, good) = BedAtV2();
        await using var api = ApiTestBed.Start(bed);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", new StoreLayout(bed.Store).Lock, "-c", "echo locked; exec sleep 600"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync().WaitAsync(ApiTestBed.Patience));

            var response = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id, Confirm = true });

            Assert.False(response.Ok);
            Assert.Equal("InvalidState", response.Error!.Kind);
            Assert.Contains("in use by another operation", response.Error.Message);
            Assert.Equal("kernel v2\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ASubscriberThatStopsReadingIsDroppedAndDoesNotHoldUpTheRollback()
    {
        var (bed, good) = BedAtV2();
        int flooded = 0;
        var big = new SystemHealth(HealthLevel.Good, [new ComponentHealth("kernel", true, HealthLevel.Good,
            [new ProbeResult("command", HealthLevel.Good, new string('x', 4096), TriggerKind.CriticalError)])], DateTimeOffset.UnixEpoch);
        // Once the rollback has started, its own publisher floods the subscribers until the one that never reads has
        // filled its socket buffer and its queue and is dropped. Publish never waits, so the loop ends.
        ApiTestBed? self = null;
        await using var api = self = ApiTestBed.Start(bed, socket => new ControlServerOptions(socket) { QueueLength = 16 }, onPublish: (e, server) =>
        {
            if (e.Event != ControlEvent.RollbackKind || flooded > 0)
                return;
            var health = ControlEvent.ForHealth(big);
            while (flooded < 20_000 && !self!.Logger.Has(805))
            {
                server.Publish(health);
                flooded++;
            }
        });
        using var stalled = new RawConnection(api.SocketPath);
        stalled.Send("{\"id\": 1, \"op\": \"subscribe\"}\n");
        Assert.True((await stalled.ReadJsonAsync())["ok"]!.GetValue<bool>());

        var response = await api.AskAsync(new ControlRequest { Op = ControlOps.Rollback, Point = good.Id, Confirm = true });

        Assert.Equal("Completed", response.EnsureSuccess()["phase"]!.GetValue<string>());
        Assert.Equal("kernel v1\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        Assert.True(api.Logger.Has(805), $"not dropped after {flooded} events:\n{api.Logger.Text}");
        Assert.True(flooded < 20_000);
        Assert.True(await stalled.ReadsToEndAsync()); // the server closed it
    }

    private static bool IsFinished(ControlEvent e) =>
        e.Event == ControlEvent.RollbackKind && e.Data!["status"]!.GetValue<string>() == "finished";

    private static (StoreTestBed Bed, RecoveryPointRecord Good) BedAtV2()
    {
        var bed = StoreTestBed.WithKernelDriversAndConfig("v1");
        var good = bed.Snapshot("good");
        bed.WriteVersion("v2");
        return (bed, good);
    }
}

using System.Text.Json.Nodes;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>The read-only ops, and what happens to lines that are not requests.</summary>
public sealed class ControlProtocolTests
{
    [Fact]
    public async Task StatusProgressAndHealthAnswerWhatTheEngineAndTheMonitorKnow()
    {
        var bed = StoreTestBed.WithOneTree();
        File.WriteAllText(bed.Live("tree/a"), "a\n");
        var point = bed.Snapshot("good");
        LastKnownGood.Mark(bed.Store, point.Id, "test", NullLogger.Instance);
        await using var api = ApiTestBed.Start(bed);
        var client = await api.ConnectAsync();

        var status = (await client.SendAsync(new ControlRequest { Op = ControlOps.Status })).EnsureSuccess();
        Assert.False(status["running"]!.GetValue<bool>());
        Assert.Null(status["runningOp"]);
        Assert.Null(status["operation"]);
        Assert.Equal(point.Id, status["lastKnownGood"]!.GetValue<string>());
        Assert.True(status.AsObject().ContainsKey("pendingUpdate")); // every key is there, null or not
        Assert.Null(status["health"]);

        api.Health = new SystemHealth(HealthLevel.Warning,
            [new ComponentHealth("tree", true, HealthLevel.Warning, [new ProbeResult("file /x", HealthLevel.Warning, "stale", TriggerKind.CriticalError)])],
            DateTimeOffset.UnixEpoch);
        status = (await client.SendAsync(new ControlRequest { Op = ControlOps.Status })).EnsureSuccess();
        Assert.Equal("Warning", status["health"]!.GetValue<string>());

        var health = (await client.SendAsync(new ControlRequest { Op = ControlOps.Health })).EnsureSuccess()["health"]!;
        Assert.Equal("Warning", health["level"]!.GetValue<string>());
        var component = health["components"]![0]!;
        Assert.Equal("tree", component["component"]!.GetValue<string>());
        Assert.Equal("CriticalError", component["probes"]![0]!["trigger"]!.GetValue<string>());

        var progress = await client.SendAsync(new ControlRequest { Id = 42, Op = ControlOps.Progress });
        Assert.Equal(42, progress.Id);
        Assert.False(progress.EnsureSuccess()["running"]!.GetValue<bool>());
        Assert.Null(progress.EnsureSuccess()["progress"]);
    }

    [Fact]
    public async Task MalformedLinesUnknownOpsAndUnknownFieldsGetTypedErrorsAndTheConnectionGoesOn()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        using var raw = new RawConnection(api.SocketPath);

        raw.Send("{\"id\": 1, \"op\": \"status\"\n");
        var malformed = await raw.ReadJsonAsync();
        raw.Send("{\"id\": 2, \"op\": \"frobnicate\"}\n");
        var unknownOp = await raw.ReadJsonAsync();
        raw.Send("{\"id\": 3, \"op\": \"rollback\", \"point\": \"latest\", \"confim\": true}\n");
        var unknownField = await raw.ReadJsonAsync();
        raw.Send("{\"id\": 4}\r\n\n   \n[1, 2]\n");
        var noOp = await raw.ReadJsonAsync();
        var notAnObject = await raw.ReadJsonAsync();
        raw.Send("{\"id\": 5, \"op\": \"status\"} {\"id\": 6}\n");
        var twoValues = await raw.ReadJsonAsync();
        raw.Send("{\"id\": 7, \"op\": \"status\"}\n");
        var fine = await raw.ReadJsonAsync();

        AssertError(malformed, 1, "malformed request"); // the id is found even in a broken line
        AssertError(unknownOp, 2, "unknown op 'frobnicate'");
        AssertError(unknownField, 3, "confim");
        AssertError(noOp, 4, "no \"op\"");
        AssertError(notAnObject, null, "malformed request");
        AssertError(twoValues, 5, "invalid after a single JSON value");
        Assert.Equal(7, fine["id"]!.GetValue<long>());
        Assert.True(fine["ok"]!.GetValue<bool>(), fine.ToJsonString());
    }

    [Fact]
    public async Task ALineOverTheCapIsRefusedAndTheConnectionClosed()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        using var raw = new RawConnection(api.SocketPath);

        raw.Send("{\"id\": 1, \"op\": \"status\", \"name\": \"" + new string('x', 70 * 1024) + "\"}\n");
        var refusal = await raw.ReadJsonAsync();

        AssertError(refusal, null, "longer than 65536 bytes");
        Assert.True(await raw.ReadsToEndAsync());
        Assert.True(api.Logger.Has(806), api.Logger.Text);
        Assert.True((await api.AskAsync(new ControlRequest { Op = ControlOps.Status })).Ok); // the server itself goes on
    }

    [Fact]
    public async Task ConcurrentRequestsOnOneConnectionEachGetTheirOwnAnswer()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        var client = await api.ConnectAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.SendAsync(new ControlRequest { Op = i % 2 == 0 ? ControlOps.Status : ControlOps.Progress })));

        Assert.All(answers, a => Assert.True(a.Ok));
        Assert.Equal(20, answers.Select(a => a.Id).Distinct().Count());
        Assert.Equal(10, answers.Count(a => a.Result!.AsObject().ContainsKey("lastKnownGood")));
    }

    private static void AssertError(JsonObject response, long? id, string messagePart)
    {
        Assert.False(response["ok"]!.GetValue<bool>(), response.ToJsonString());
        Assert.Equal(id, response["id"]?.GetValue<long>());
        var error = response["error"]!;
        Assert.Equal("InvalidInput", error["kind"]!.GetValue<string>());
        Assert.Equal(2, error["exitCode"]!.GetValue<int>());
        Assert.Contains(messagePart, error["message"]!.GetValue<string>());
    }
}

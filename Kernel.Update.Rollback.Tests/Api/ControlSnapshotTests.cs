using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>A recovery point taken through the socket is the engine's own: in the catalog, with its components, audited
/// with the client that asked.</summary>
public sealed class ControlSnapshotTests
{
    [Fact]
    public async Task ASnapshotThroughTheSocketIsARecoveryPointTheStoreLists()
    {
        var bed = new StoreTestBed("""
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "app", "category": "SystemServices", "path": "opt/app" }
            ]
            """);
        Directory.CreateDirectory(bed.Live("etc"));
        Directory.CreateDirectory(bed.Live("opt/app"));
        File.WriteAllText(bed.Live("etc/app.conf"), "v1\n");
        File.WriteAllBytes(bed.Live("opt/app/bin"), new byte[100_000]);
        await using var api = ApiTestBed.Start(bed);

        var result = (await api.AskAsync(new ControlRequest { Op = ControlOps.Snapshot, Name = "before update", Components = ["config"] })).EnsureSuccess();

        string id = result["id"]!.GetValue<string>();
        var point = RecoveryStore.Open(bed.Store).GetPoint(id);
        Assert.Equal("before update", point.Name);
        Assert.Equal(["config"], point.Components.Select(c => c.Name));
        Assert.Equal("before update", result["name"]!.GetValue<string>());
        Assert.Equal("Manual", result["reason"]!.GetValue<string>());
        Assert.Equal(["config"], result["components"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.True(result["addedBytes"]!.GetValue<long>() > 0);
        Assert.Contains(File.ReadAllLines(Path.Combine(bed.Store, "audit.jsonl")),
            line => line.Contains("\"operation\":\"snapshot\"") && line.Contains("control API client pid " + Environment.ProcessId));
    }

    [Fact]
    public async Task ASnapshotOfAnUnknownComponentIsATypedError()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());

        var response = await api.AskAsync(new ControlRequest { Op = ControlOps.Snapshot, Components = ["nope"] });

        Assert.False(response.Ok);
        Assert.Contains("nope", response.Error!.Message);
        Assert.Equal(Errors.ExitCodes.For(Enum.Parse<Errors.RollbackErrorKind>(response.Error.Kind)), response.Error.ExitCode);
    }
}

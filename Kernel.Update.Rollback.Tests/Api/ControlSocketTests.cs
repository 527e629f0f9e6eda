using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>The socket file: its mode and group from the start, one server per path, stale files replaced, and
/// nothing left behind.</summary>
public sealed class ControlSocketTests
{
    [Fact]
    public async Task TheSocketIsOwnerOnlyAndGoneAfterTheServerStops()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());

        var status = Posix.LStat(api.SocketPath);
        Assert.Equal(FileKind.Socket, status.Kind);
        Assert.Equal(0b110_000_000u, status.Mode); // 0600
        Assert.Equal(Posix.GetEffectiveUid(), status.Uid);
        Assert.True(api.Logger.Has(801), api.Logger.Text);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(api.SocketPath)!, ".c*")); // the private bind directory is gone

        await api.StopAsync();
        Assert.False(File.Exists(api.SocketPath));
        Assert.True(api.Logger.Has(810), api.Logger.Text);
    }

    [Fact]
    public async Task AMissingDirectoryIsCreatedPrivate()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree(), socket => new ControlServerOptions(
            Path.Combine(Path.GetDirectoryName(socket)!, "run", "rollback", "control.sock")));

        Assert.Equal(0b111_000_000u, Posix.LStat(Path.GetDirectoryName(api.SocketPath)!).Mode); // 0700
        Assert.True((await api.AskAsync(new ControlRequest { Op = ControlOps.Status })).Ok);
    }

    [RootFact]
    public async Task WithAGroupTheSocketIsGroupReadableAndBelongsToIt()
    {
        using var group = TestGroup.Create();
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree(), socket => new ControlServerOptions(socket) { Group = group.Name });

        var status = Posix.LStat(api.SocketPath);
        Assert.Equal(0b110_110_000u, status.Mode); // 0660
        Assert.Equal(group.Gid, status.Gid);
        Assert.Contains(api.Logger.Lines, l => l.Id == 801 && l.Text.Contains("0660") && l.Text.Contains(group.Name));
    }

    [Fact]
    public async Task AnUnknownGroupIsRefusedBeforeAnythingIsBound()
    {
        using var bed = StoreTestBed.WithOneTree();
        string socket = bed.Scratch("api.sock");
        var server = new ControlServer(new ControlServerOptions(socket) { Group = "no-such-group-kur" }, new NoHandler(), new ListLogger());

        var error = await Assert.ThrowsAsync<RollbackException>(() => server.RunAsync(CancellationToken.None));

        Assert.Equal(RollbackErrorKind.InvalidInput, error.Kind);
        Assert.Contains("no-such-group-kur", error.Message);
        Assert.False(File.Exists(socket));
    }

    [Fact]
    public async Task ASecondServerOnALiveSocketIsRefusedAndTheFirstServesOn()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        var second = new ControlServer(new ControlServerOptions(api.SocketPath), new NoHandler(), new ListLogger());

        var error = await Assert.ThrowsAsync<RollbackException>(() => second.RunAsync(CancellationToken.None));

        Assert.Equal(RollbackErrorKind.InvalidState, error.Kind);
        Assert.Contains($"another monitor is serving {api.SocketPath}", error.Message);
        Assert.Contains($"pid {Environment.ProcessId}", error.Message);
        Assert.True((await api.AskAsync(new ControlRequest { Op = ControlOps.Status })).Ok);
    }

    [Fact]
    public async Task AStaleSocketFileOfADeadServerIsReplaced()
    {
        using var bed = StoreTestBed.WithOneTree();
        string socket = bed.Scratch("api.sock");
        Posix.MkNod(socket, FileKind.Socket, 0b111_111_111, 0); // a socket file nobody listens on, as a killed server leaves it

        await using var api = ApiTestBed.Start(bed);

        Assert.True(api.Logger.Has(802), api.Logger.Text);
        Assert.Equal(0b110_000_000u, Posix.LStat(socket).Mode);
        Assert.True((await api.AskAsync(new ControlRequest { Op = ControlOps.Status })).Ok);
    }

    [Fact]
    public async Task AFileThatIsNotASocketIsLeftAloneAndRefused()
    {
        using var bed = StoreTestBed.WithOneTree();
        string socket = bed.Scratch("api.sock");
        File.WriteAllText(socket, "precious\n");
        var server = new ControlServer(new ControlServerOptions(socket), new NoHandler(), new ListLogger());

        var error = await Assert.ThrowsAsync<RollbackException>(() => server.RunAsync(CancellationToken.None));

        Assert.Equal(RollbackErrorKind.InvalidInput, error.Kind);
        Assert.Contains("is not a socket", error.Message);
        Assert.Equal("precious\n", File.ReadAllText(socket));
    }

    private sealed class NoHandler : IControlHandler
    {
        public Task<System.Text.Json.Nodes.JsonNode?> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation) =>
            throw new RollbackException(RollbackErrorKind.Failed, "not served in this test");
    }
}

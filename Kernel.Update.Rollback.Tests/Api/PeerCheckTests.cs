using System.Text.Json.Nodes;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>The peer check (SO_PEERCRED, and the peer's groups): a client of another user is refused with one error line
/// and the connection closed, even when the file mode would let it connect; a member of the configured group gets in.</summary>
public sealed class PeerCheckTests
{
    [ForeignUserFact]
    public async Task AClientOfAnotherUserIsRefusedEvenThroughAnOpenFileMode()
    {
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree());
        OpenTheDoor(api, 0b110_110_110); // 0666: only the peer check stands in the way now

        var run = ForeignClient.Ask(api.SocketPath, ForeignClient.Nobody, [], expectClose: true);

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // one error line, then the server closed the connection
        Assert.Equal("EOF", lines[1]);
        var refusal = JsonNode.Parse(lines[0])!;
        Assert.False(refusal["ok"]!.GetValue<bool>());
        Assert.Equal("PermissionDenied", refusal["error"]!["kind"]!.GetValue<string>());
        Assert.Equal(2, refusal["error"]!["exitCode"]!.GetValue<int>());
        Assert.Contains("uid 65534", refusal["error"]!["message"]!.GetValue<string>());
        Assert.Contains(api.Logger.Lines, l => l.Id == 803 && l.Text.Contains("uid 65534") && l.Text.Contains("pid "));
    }

    [ForeignUserFact]
    public async Task MembersOfTheGroupGetInByPrimaryOrSupplementaryGroupAndOthersDoNot()
    {
        using var group = TestGroup.Create();
        await using var api = ApiTestBed.Start(StoreTestBed.WithOneTree(), socket => new ControlServerOptions(socket) { Group = group.Name });
        OpenTheDoor(api, 0b110_110_110);

        var primary = ForeignClient.Ask(api.SocketPath, group.Gid, [], expectClose: false);
        var supplementary = ForeignClient.Ask(api.SocketPath, ForeignClient.Nobody, [group.Gid], expectClose: false);
        var outsider = ForeignClient.Ask(api.SocketPath, ForeignClient.Nobody, [], expectClose: true);

        Assert.True(JsonNode.Parse(primary.EnsureSuccess().StdOut.Split('\n')[0])!["ok"]!.GetValue<bool>(), primary.StdOut);
        Assert.True(JsonNode.Parse(supplementary.EnsureSuccess().StdOut.Split('\n')[0])!["ok"]!.GetValue<bool>(), supplementary.StdOut);
        var refusal = JsonNode.Parse(outsider.EnsureSuccess().StdOut.Split('\n')[0])!;
        Assert.Equal("PermissionDenied", refusal["error"]!["kind"]!.GetValue<string>());
        Assert.Contains(group.Name, refusal["error"]!["message"]!.GetValue<string>());
    }

    /// <summary>Lets uid 65534 reach the socket through the file system, so the test sees what the peer check does.</summary>
    private static void OpenTheDoor(ApiTestBed api, int socketMode)
    {
        File.SetUnixFileMode(Path.GetDirectoryName(api.SocketPath)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(api.SocketPath, (UnixFileMode)socketMode);
    }
}

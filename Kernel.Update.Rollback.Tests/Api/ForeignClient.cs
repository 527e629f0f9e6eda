using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>A fact that needs another user to run a client: root (to switch), setpriv, and a python3 outside /root.</summary>
public sealed class ForeignUserFactAttribute() : FactRequiringAttribute(ForeignClient.SkipReason);

/// <summary>
/// A control API client running as another user (setpriv to uid 65534 with the given groups): sends one status request,
/// prints every line the server sends until it closes the connection, then "EOF".
/// </summary>
internal static class ForeignClient
{
    public const uint Nobody = 65534;

    // The system python: a pyenv shim under /root cannot be run by uid 65534.
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(120)
        s.connect(sys.argv[1])
        try:
            s.sendall(b'{"id": 1, "op": "status"}\n')
        except OSError:
            pass  # a refused peer may find the connection closed already; the refusal is still there to read
        f = s.makefile('rb')
        first = f.readline()
        sys.stdout.write(first.decode())
        if sys.argv[2] == 'done':
            s.shutdown(socket.SHUT_WR)  # an accepted peer ends its side; a refused one waits for the server to close
        for line in f:
            sys.stdout.write(line.decode())
        print('EOF')
        """;

    public static string? SkipReason =>
        !Facilities.IsRoot ? "needs root to run a client as another user"
        : !File.Exists(Python) ? $"needs {Python} (apt-get install python3-minimal)"
        : Facilities.MissingToolsReason("setpriv");

    /// <param name="gid">the primary group.</param>
    /// <param name="groups">supplementary groups; none: --clear-groups.</param>
    /// <param name="expectClose">true: wait for the server to close (a refusal); false: end our side after the answer.</param>
    public static ProcessResult Ask(string socketPath, uint gid, uint[] groups, bool expectClose)
    {
        string[] groupArgs = groups.Length == 0 ? ["--clear-groups"] : ["--groups=" + string.Join(',', groups)];
        return ProcessRunner.Run("setpriv", [$"--reuid={Nobody}", $"--regid={gid}", .. groupArgs, Python, "-c", Script, socketPath,
            expectClose ? "wait" : "done"], timeout: TimeSpan.FromMinutes(3));
    }
}

namespace Kernel.Update.Rollback.Health;

/// <summary>Finds a program on PATH the way the shell would, to say "not installed" before trying to run it.</summary>
internal static class ExecutablePath
{
    // What a login shell on a Debian-like system has when PATH is unset.
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static string? Find(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p : DefaultPath;
        foreach (string directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Join(directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & AnyExecute) != 0)
                return candidate;
        }
        return null;
    }
}

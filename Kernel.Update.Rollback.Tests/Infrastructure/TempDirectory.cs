namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>
/// A fresh, uniquely named directory (under /tmp or a given base), removed with everything in it
/// on Dispose — whatever the modes, owners or special files inside (<c>rm -rf --one-file-system</c>;
/// immutable files are not supported). Set <c>KUR_KEEP_TEMP=1</c> to keep it for inspection.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private int _disposed;

    public TempDirectory(string? baseDirectory = null, string prefix = "kur-test-")
    {
        var parent = baseDirectory ?? System.IO.Path.GetTempPath();
        Directory.CreateDirectory(parent);
        for (var attempt = 0; ; attempt++)
        {
            var candidate = System.IO.Path.Combine(parent, prefix + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                // CreateDirectory succeeds on an existing one: check first (a collision is astronomically unlikely).
                if (Directory.Exists(candidate) || File.Exists(candidate)) { continue; }
                Directory.CreateDirectory(candidate);
                Path = candidate;
                return;
            }
            catch (IOException) when (attempt < 10)
            {
            }
        }
    }

    /// <summary>The absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string CreateSubdirectory(params string[] parts)
    {
        var p = Combine(parts);
        Directory.CreateDirectory(p);
        return p;
    }

    public override string ToString() => Path;

    public static implicit operator string(TempDirectory d) => d?.Path ?? throw new ArgumentNullException(nameof(d));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) { return; }
        if (Environment.GetEnvironmentVariable("KUR_KEEP_TEMP") == "1") { return; }
        Remove(Path);
    }

    /// <summary>Removes a tree whatever its modes (also usable for trees a test created elsewhere).</summary>
    public static void Remove(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path)) { return; }
        try
        {
            var r = ProcessRunner.Run("rm", ["-rf", "--one-file-system", "--", path], timeout: TimeSpan.FromMinutes(5));
            if (r.ExitCode != 0 && Directory.Exists(path))
            {
                // Not root: directories without write or search permission stop rm. Open them up and retry.
                ProcessRunner.Run("chmod", ["-R", "u+rwX", "--", path], timeout: TimeSpan.FromMinutes(5));
                ProcessRunner.Run("rm", ["-rf", "--one-file-system", "--", path], timeout: TimeSpan.FromMinutes(5));
            }
        }
        catch (InvalidOperationException)
        {
            // rm could not be started: fall back to .NET.
        }
        if (Directory.Exists(path))
        {
            try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

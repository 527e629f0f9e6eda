using System.Diagnostics;

namespace Kernel.Update.Rollback.Tests.Native;

/// <summary>Runs a command to completion; throws with its output when it fails.</summary>
internal static class Sh
{
    internal static string Run(string file, params string[] args) => RunFull(file, args).StdOut;

    internal static (int ExitCode, string StdOut, string StdErr) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(NativeFacilities.FindTool(file) ?? file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static (int ExitCode, string StdOut, string StdErr) RunFull(string file, string[] args)
    {
        var r = TryRun(file, args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {r.ExitCode}: {r.StdErr}{r.StdOut}");
        return r;
    }
}

/// <summary>A fresh directory under /tmp, removed with everything in it on Dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("kur-native-").FullName;
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string WriteFile(string name, string content)
    {
        string p = this[name];
        File.WriteAllText(p, content);
        return p;
    }

    public void Dispose()
    {
        try
        {
            // Read-only snapshots or odd modes must not leave litter behind.
            Sh.TryRun("chmod", "-R", "u+rwX", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception)
        {
            // Best effort: a test failure is more useful than a cleanup failure.
        }
    }
}

/// <summary>A sparse image file attached to a free loop device; detached on Dispose, always.</summary>
internal sealed class LoopDevice : IDisposable
{
    private readonly TempDir _dir = new();

    public LoopDevice(long size)
    {
        ImagePath = _dir["disk.img"];
        using (var f = new FileStream(ImagePath, FileMode.CreateNew))
            f.SetLength(size);
        try
        {
            DevicePath = Sh.Run("losetup", "--find", "--show", ImagePath).Trim();
        }
        catch
        {
            _dir.Dispose();
            throw;
        }
    }

    public string ImagePath { get; }
    public string DevicePath { get; }

    public void Dispose()
    {
        try
        {
            Sh.TryRun("losetup", "-d", DevicePath);
        }
        finally
        {
            _dir.Dispose();
        }
    }
}

/// <summary>A fresh file system made by <c>mkfs</c> on a loop device of <c>size</c> bytes (a sparse image) and mounted
/// under a temp directory; unmounted and detached on Dispose.</summary>
internal class LoopMount : IDisposable
{
    private readonly LoopDevice _loop;
    private readonly TempDir _mountDir = new();
    private bool _mounted;

    public LoopMount(string type, long size, params string[] mkfsOptions)
    {
        _loop = new LoopDevice(size);
        try
        {
            Sh.Run("mkfs." + type, [.. mkfsOptions, _loop.DevicePath]);
            Sh.Run("mount", "-t", type, _loop.DevicePath, _mountDir.Path);
            _mounted = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Root => _mountDir.Path;

    public string this[string name] => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            if (_mounted && Sh.TryRun("umount", _mountDir.Path).ExitCode != 0)
                Sh.TryRun("umount", "-l", _mountDir.Path);
            _mounted = false;
        }
        finally
        {
            _loop.Dispose();
            _mountDir.Dispose();
        }
    }
}

/// <summary>A fresh btrfs; mkfs.btrfs refuses very small devices, and the sparse 256 MiB image costs little.</summary>
internal sealed class BtrfsMount() : LoopMount("btrfs", 256L * 1024 * 1024, "-q", "-f");

/// <summary>A fresh ext4 of <c>size</c> bytes.</summary>
internal sealed class Ext4Mount(long size) : LoopMount("ext4", size, "-q", "-F");

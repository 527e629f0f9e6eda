using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Native;

/// <summary>What this machine offers the native tests; each property is null when present, else the reason it is not.</summary>
internal static class NativeFacilities
{
    private static readonly Lazy<string?> s_root = new(() =>
        Environment.IsPrivilegedProcess ? null : "needs root (mknod, chown, losetup, mount)");

    private static readonly Lazy<string?> s_loop = new(() =>
        s_root.Value
        ?? MissingTool("losetup", "util-linux (losetup)")
        ?? (File.Exists("/dev/loop-control") ? null : "needs /dev/loop-control (loop driver)"));

    private static readonly Lazy<string?> s_btrfs = new(() =>
        s_loop.Value
        ?? MissingTool("mkfs.btrfs", "btrfs-progs (mkfs.btrfs)")
        ?? MissingTool("mount", "mount")
        ?? (KernelHasFileSystem("btrfs") ? null : "needs btrfs in the kernel (/proc/filesystems)"));

    private static readonly Lazy<string?> s_gcc = new(() => MissingTool("gcc", "gcc"));

    private static readonly Lazy<string?> s_headers = new(() => s_gcc.Value ?? MissingHeader());

    internal static string? LoopDevice => s_loop.Value;
    internal static string? BtrfsLoop => s_btrfs.Value;
    internal static string? Gcc => s_gcc.Value;
    internal static string? Headers => s_headers.Value;

    internal static string? FindTool(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string candidate = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string? MissingTool(string name, string package) =>
        FindTool(name) is null ? $"needs {package} on PATH" : null;

    // One compile of all headers; only on failure find out which one is missing, to name it.
    private static string? MissingHeader()
    {
        string[] headers = Kernel.Update.Rollback.Native.HeaderManifest.Headers;
        if (Probe(headers))
            return null;
        string? missing = headers.FirstOrDefault(h => !Probe([h]));
        return $"needs C header <{missing ?? string.Join(">, <", headers)}> (apt-get install -y libc6-dev linux-libc-dev)";
    }

    private static bool Probe(string[] headers)
    {
        using var dir = new TempDir();
        string file = dir.WriteFile("probe.c", "#define _GNU_SOURCE 1\n" + string.Concat(headers.Select(h => $"#include <{h}>\n")));
        return Sh.TryRun("gcc", "-fsyntax-only", file).ExitCode == 0;
    }

    private static bool KernelHasFileSystem(string fs)
    {
        if (File.ReadLines("/proc/filesystems").Any(l => l.Split('\t').Last().Trim() == fs))
            return true;
        // Not yet loaded is not missing: modprobe quietly, then look again.
        try { Sh.Run("modprobe", fs); } catch (Exception) { return false; }
        return File.ReadLines("/proc/filesystems").Any(l => l.Split('\t').Last().Trim() == fs);
    }
}

/// <summary>Needs root, losetup and the loop driver.</summary>
public sealed class LoopDeviceFactAttribute() : FactRequiringAttribute(NativeFacilities.LoopDevice);

/// <summary>Needs a loop device, mkfs.btrfs and btrfs in the kernel.</summary>
public sealed class BtrfsFactAttribute() : FactRequiringAttribute(NativeFacilities.BtrfsLoop);

/// <summary>Needs gcc (the header check compiles C against the system headers).</summary>
public sealed class GccFactAttribute() : FactRequiringAttribute(NativeFacilities.Gcc);

/// <summary>Needs gcc and every header the header check includes.</summary>
public sealed class HeaderCheckFactAttribute() : FactRequiringAttribute(NativeFacilities.Headers);

using System.Text;

namespace Kernel.Update.Rollback.Cli.Demo;

/// <summary>
/// A small but realistic device tree for the demo: a kernel partition, driver modules built for it,
/// configuration, a service, and user data, with content that is deterministic (same seed, same bytes).
/// </summary>
internal static class DemoDevice
{
    public const string ConfigTemplate = """
        {
          "root": "device",
          "store": "store",
          "components": [
            { "name": "kernel",  "category": "KernelCore",     "path": "boot" },
            { "name": "drivers", "category": "DeviceDrivers",  "path": "lib/modules", "dependsOn": ["kernel"] },
            { "name": "config",  "category": "Configuration",  "path": "etc" },
            { "name": "app",     "category": "SystemServices", "path": "usr/lib/demo-app", "dependsOn": ["drivers", "config"] },
            { "name": "data",    "category": "UserData",       "path": "var/lib/demo-app", "dependsOn": ["app"] }
          ]
        }
        """;

    public static void Create(string root)
    {
        var random = new Random(20261123);
        Write(root, "boot/vmlinuz-6.1.0", Binary(random, 6 << 20));
        Write(root, "boot/config-6.1.0", Text(random, "CONFIG_OPTION", 4000));
        for (int i = 0; i < 40; i++)
            Write(root, $"lib/modules/6.1.0/kernel/drivers/net/drv{i:D2}.ko", Binary(random, 20_000 + random.Next(80_000)));
        Write(root, "lib/modules/6.1.0/modules.dep", Text(random, "kernel/drivers/net/drv", 40));
        Write(root, "etc/hostname", "demo-device\n"u8.ToArray());
        Write(root, "etc/demo-app/app.conf", "listen=127.0.0.1:8080\nworkers=2\nlog_level=info\n"u8.ToArray());
        Write(root, "etc/os-release", "NAME=\"Demo Linux\"\nVERSION_ID=\"1.0\"\n"u8.ToArray());
        File.CreateSymbolicLink(Path.Combine(root, "etc/localtime"), "/usr/share/zoneinfo/UTC");
        Write(root, "usr/lib/demo-app/demo-app", "#!/bin/sh\necho demo-app 1.0\n"u8.ToArray(), executable: true);
        Write(root, "usr/lib/demo-app/libdemo.so.1", Binary(random, 1 << 20));
        File.CreateSymbolicLink(Path.Combine(root, "usr/lib/demo-app/libdemo.so"), "libdemo.so.1");
        Write(root, "var/lib/demo-app/app.db", Text(random, "INSERT INTO readings VALUES", 60_000));
        Directory.CreateDirectory(Path.Combine(root, "var/lib/demo-app/cache"));
    }

    /// <summary>What a (bad) update does: a new kernel, rebuilt modules, a changed config, a new service binary.</summary>
    public static void ApplyUpdate(string root)
    {
        var random = new Random(7);
        using (var kernel = File.OpenWrite(Path.Combine(root, "boot/vmlinuz-6.1.0")))
        {
            kernel.Position = 1 << 20;
            kernel.Write(Binary(random, 256 * 1024));
        }
        for (int i = 0; i < 40; i += 4)
            Write(root, $"lib/modules/6.1.0/kernel/drivers/net/drv{i:D2}.ko", Binary(random, 30_000));
        File.Delete(Path.Combine(root, "lib/modules/6.1.0/kernel/drivers/net/drv39.ko"));
        Write(root, "etc/demo-app/app.conf", "listen=127.0.0.1:8080\nworkers=0\nlog_level=debug\n"u8.ToArray());
        Write(root, "usr/lib/demo-app/demo-app", "#!/bin/sh\necho demo-app 2.0-broken; exit 1\n"u8.ToArray(), executable: true);
    }

    private static void Write(string root, string relative, byte[] content, bool executable = false)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (executable)
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    private static byte[] Binary(Random random, int length)
    {
        // Half random, half repetitive: compresses like real binaries do, roughly 2:1.
        var data = new byte[length];
        random.NextBytes(data);
        for (int i = 0; i < length; i += 64)
            data.AsSpan(i, Math.Min(32, length - i)).Fill((byte)(i >> 6));
        return data;
    }

    private static byte[] Text(Random random, string prefix, int lines)
    {
        var text = new StringBuilder();
        for (int i = 0; i < lines; i++)
            text.Append(prefix).Append(' ').Append(i).Append(" = ").Append(random.Next(1_000_000)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

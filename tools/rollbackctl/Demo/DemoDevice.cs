using System.Text;

namespace Kernel.Update.Rollback.Cli.Demo;

/// <summary>
/// A small but realistic device tree for the demo: a kernel partition, driver modules built for it,
/// configuration, a service, and user data, with content that is deterministic (same seed, same bytes).
/// </summary>
internal static class DemoDevice
{
    public const string KernelImage = "boot/kernel.img";
    public const int KernelImageBytes = 8 << 20;
    public const string PidFile = "run/demo-app.pid";

    /// <summary>
    /// The demo's config: the kernel is a block component (an image file here; a partition on a device), the app
    /// is critical, runs a real service process, and is probed over HTTP and by its pid file. The monitor samples
    /// four times a second so the demo is quick; a device would sample every few seconds.
    /// </summary>
    public static string Config(string device, int port, IReadOnlyList<string> self)
    {
        string exe = string.Join(' ', self.Select(Quote));
        string pid = Quote(Path.Combine(device, PidFile));
        string start = $"{exe} demo-service --root {Quote(device)} --port {port} --pid-file {pid} > {Quote(Path.Combine(device, "run/demo-app.log"))} 2>&1 &";
        // Wait until it is gone, so the next start can bind the port again.
        string stop = $"if [ -f {pid} ]; then p=$(cat {pid}); kill $p 2>/dev/null; while kill -0 $p 2>/dev/null; do sleep 0.05; done; rm -f {pid}; fi";
        return $$"""
            {
              "root": "device",
              "store": "store",
              "monitor": { "intervalSeconds": 0.25, "badSamples": 3 },
              "autoRollback": { "cooldownSeconds": 60, "maxRollbackSeconds": 60, "maxPerBoot": 2 },
              "components": [
                { "name": "kernel",  "category": "KernelCore",     "block": "{{KernelImage}}" },
                { "name": "drivers", "category": "DeviceDrivers",  "path": "lib/modules", "dependsOn": ["kernel"] },
                { "name": "config",  "category": "Configuration",  "path": "etc" },
                { "name": "app",     "category": "SystemServices", "path": "usr/lib/demo-app", "dependsOn": ["drivers", "config"], "critical": true,
                  "services": [{ "start": {{Json(start)}}, "stop": {{Json(stop)}}, "timeoutSeconds": 10 }],
                  "health": [{ "type": "http", "url": "http://127.0.0.1:{{port}}/health", "timeoutSeconds": 2 },
                             { "type": "pidfile", "path": "{{PidFile}}" }] },
                { "name": "data",    "category": "UserData",       "path": "var/lib/demo-app", "dependsOn": ["app"] }
              ]
            }
            """;
    }

    public static void Create(string root)
    {
        var random = new Random(20261123);
        Write(root, KernelImage, Binary(random, KernelImageBytes));
        for (int i = 0; i < 40; i++)
            Write(root, $"lib/modules/6.1.0/kernel/drivers/net/drv{i:D2}.ko", Binary(random, 20_000 + random.Next(80_000)));
        Write(root, "lib/modules/6.1.0/modules.dep", Text(random, "kernel/drivers/net/drv", 40));
        Write(root, "etc/hostname", "demo-device\n"u8.ToArray());
        Write(root, "etc/demo-app/app.conf", "listen=127.0.0.1\nworkers=2\nlog_level=info\n"u8.ToArray());
        Write(root, "etc/os-release", "NAME=\"Demo Linux\"\nVERSION_ID=\"1.0\"\n"u8.ToArray());
        File.CreateSymbolicLink(Path.Combine(root, "etc/localtime"), "/usr/share/zoneinfo/UTC");
        Write(root, DemoService.BuildFile, "1.0\n"u8.ToArray());
        Write(root, "usr/lib/demo-app/libdemo.so.1", Binary(random, 1 << 20));
        File.CreateSymbolicLink(Path.Combine(root, "usr/lib/demo-app/libdemo.so"), "libdemo.so.1");
        Write(root, "var/lib/demo-app/app.db", Text(random, "INSERT INTO readings VALUES", 60_000));
        Directory.CreateDirectory(Path.Combine(root, "var/lib/demo-app/cache"));
        Directory.CreateDirectory(Path.Combine(root, "run"));
    }

    /// <summary>What a (bad) update does: 1 MiB of the kernel image rewritten, rebuilt modules, a changed config, a new
    /// build of the service that cannot start its workers, and a data migration.</summary>
    public static void ApplyUpdate(string root)
    {
        var random = new Random(7);
        using (var kernel = new FileStream(Path.Combine(root, KernelImage), FileMode.Open, FileAccess.Write))
        {
            kernel.Position = 1 << 20;
            kernel.Write(Binary(random, 1 << 20));
        }
        for (int i = 0; i < 40; i += 4)
            Write(root, $"lib/modules/6.1.0/kernel/drivers/net/drv{i:D2}.ko", Binary(random, 30_000));
        File.Delete(Path.Combine(root, "lib/modules/6.1.0/kernel/drivers/net/drv39.ko"));
        Write(root, "etc/demo-app/app.conf", "listen=127.0.0.1\nworkers=4\nlog_level=debug\n"u8.ToArray());
        Write(root, DemoService.BuildFile, "2.0-broken\n"u8.ToArray());
        Write(root, "usr/lib/demo-app/libdemo.so.1", Binary(random, 1 << 20));
        Write(root, "var/lib/demo-app/schema-v2", "migrated\n"u8.ToArray());
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, DemoJsonContext.Default.String);

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

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class DemoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

using System.Security.Cryptography;
using System.Text;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Cli.Demo;

/// <summary>A digest of a tree's names, kinds, modes, owners, mtimes, link targets and contents: equal digests, equal trees.</summary>
internal static class TreeFingerprint
{
    /// <summary>A tree's digest, or an image file's (its bytes only: a block rollback restores content, not the file's times).</summary>
    public static string Compute(string root)
    {
        if (File.Exists(root))
        {
            using var image = File.OpenRead(root);
            return Convert.ToHexStringLower(SHA256.HashData(image))[..16];
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var paths = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal);
        foreach (string relative in paths)
        {
            string path = Path.Combine(root, relative);
            var status = Posix.LStat(path);
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{status.Kind}\0{status.Mode}\0{status.Uid}:{status.Gid}\0{status.MTimeSeconds}.{status.MTimeNanoseconds}\0"));
            if (status.Kind == FileKind.Regular)
                hash.AppendData(SHA256.HashData(File.ReadAllBytes(path)));
            else if (status.Kind == FileKind.Symlink)
                hash.AppendData(Encoding.UTF8.GetBytes(Posix.ReadLink(path)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}

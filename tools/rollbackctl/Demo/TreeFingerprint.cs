using System.Security.Cryptography;
using System.Text;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Cli.Demo;

/// <summary>A digest of a tree's names, kinds, modes, owners, mtimes, link targets and contents: equal digests, equal trees.</summary>
internal static class TreeFingerprint
{
    public static string Compute(string root)
    {
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

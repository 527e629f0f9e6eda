using System.Security.Cryptography;

namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>Recovery point ids: 12 lowercase hex digits, random, so two devices' points never collide in a fleet's logs.</summary>
public static class RecoveryPointId
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 12)
            return false;
        foreach (char c in id)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
                return false;
        return true;
    }
}

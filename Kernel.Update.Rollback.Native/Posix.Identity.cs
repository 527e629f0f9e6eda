namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>The effective user id of this process (geteuid; it cannot fail).</summary>
    public static uint GetEffectiveUid() => Libc.geteuid();

    /// <summary>The id of group <paramref name="name"/> (getgrnam_r, through NSS); false when there is no such group.</summary>
    public static bool TryGetGroupId(string name, out uint gid)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        // Large enough for any ordinary group entry; a group with thousands of members gets a bigger buffer below.
        for (int size = 1024; ; size *= 4)
        {
            byte[] buffer = new byte[size];
            Libc.group entry;
            Libc.group* result;
            int error;
            fixed (byte* s = p.Encode(name))
            fixed (byte* b = buffer)
                error = Libc.getgrnam_r(s, &entry, b, (nuint)size, &result);
            if (error == (int)Errno.ERANGE && size < 1 << 24)
                continue;
            if (error != 0)
                ThrowHelper.ThrowNative("getgrnam_r", null, error, $"group {name}");
            gid = result is null ? 0 : result->gr_gid;
            return result is not null;
        }
    }
}

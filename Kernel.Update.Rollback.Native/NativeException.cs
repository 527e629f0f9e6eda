using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>A failed libc call: which call, on which path, and the errno it returned.</summary>
public sealed class NativeException : IOException
{
    public NativeException(string call, string? path, int errno, string? detail = null)
        : base(FormatMessage(call, path, errno, detail))
    {
        Call = call;
        Path = path;
        Errno = errno;
        Detail = detail;
    }

    /// <summary>The C function that failed, e.g. "lsetxattr".</summary>
    public string Call { get; }

    /// <summary>The path the call was made on, when there was one.</summary>
    public string? Path { get; }

    /// <summary>The raw errno value.</summary>
    public int Errno { get; }

    /// <summary>The errno as the typed enum, for switch/when filters.</summary>
    public Errno Error => (Errno)Errno;

    /// <summary>Extra context such as the attribute name or the second path of a rename.</summary>
    public string? Detail { get; }

    public static string FormatMessage(string call, string? path, int errno, string? detail)
    {
        string name = ErrnoNames.GetName(errno) ?? "errno " + errno;
        string text = Marshal.GetPInvokeErrorMessage(errno);
        string where = path is null ? "" : $" on '{path}'";
        string extra = detail is null ? "" : $" ({detail})";
        return $"{call} failed{where}{extra}: {name} ({text})";
    }
}

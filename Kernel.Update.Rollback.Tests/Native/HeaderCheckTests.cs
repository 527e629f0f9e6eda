using System.Globalization;
using System.Text;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

/// <summary>
/// Every hard-coded constant and struct layout, compiled as _Static_assert against the system headers
/// (the Tmds.LibC approach): a wrong value for this architecture fails here, not in the field.
/// Headers come from libc6-dev and linux-libc-dev.
/// </summary>
public sealed class HeaderCheckTests
{
    [HeaderCheckFact]
    public void ConstantsAndStructLayoutsMatchTheSystemHeaders()
    {
        var (ok, errors) = Compile(GenerateChecks());

        Assert.True(ok, "C# values disagree with the system headers:\n" + errors);
    }

    [HeaderCheckFact]
    public void ErrnoEnumValuesMatchErrnoH()
    {
        var c = new StringBuilder("#include <errno.h>\n");
        foreach (Errno e in Enum.GetValues<Errno>().Where(e => e != Errno.None))
            AppendAssert(c, e.ToString(), (long)e);
        // Enum.GetValues collapses aliases; check them by name.
        AppendAssert(c, "EWOULDBLOCK", (long)Errno.EWOULDBLOCK);
        AppendAssert(c, "ENOTSUP", (long)Errno.ENOTSUP);
        AppendAssert(c, "EDEADLOCK", (long)Errno.EDEADLOCK);

        var (ok, errors) = Compile(c.ToString());

        Assert.True(ok, errors);
    }

    [GccFact]
    public void AWrongValueReallyFailsTheCheck()
    {
        // Guards the guard: if gcc silently accepted everything, the test above would prove nothing.
        var (ok, errors) = Compile("#include <fcntl.h>\n_Static_assert((unsigned long long)(O_CREAT) == (unsigned long long)(0x41LL), \"O_CREAT\");\n");
        Assert.False(ok);
        Assert.Contains("O_CREAT", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicFlagEnumsUseTheKernelValues()
    {
        Assert.Equal(Libc.RESOLVE_BENEATH, (ulong)ResolveFlags.Beneath);
        Assert.Equal(Libc.RENAME_EXCHANGE, (uint)RenameFlags.Exchange);
        Assert.Equal(Libc.ST_RDONLY, (ulong)StatVfsFlags.ReadOnly);
    }

    [Fact]
    public void TheManifestCoversEveryArchitectureDependentOpenFlag()
    {
        var names = HeaderManifest.Constants().Select(c => c.Name).ToHashSet();
        Assert.Contains("O_DIRECT", names);
        Assert.Contains("O_DIRECTORY", names);
        Assert.Contains("O_NOFOLLOW", names);
        Assert.Contains("SYS_mknodat", names);
        Assert.Equal(names.Count, HeaderManifest.Constants().Length); // no duplicates
    }

    internal static string GenerateChecks()
    {
        var c = new StringBuilder();
        c.AppendLine("#define _GNU_SOURCE 1");
        foreach (string h in HeaderManifest.Headers)
            c.Append("#include <").Append(h).AppendLine(">");
        foreach (HeaderConstant k in HeaderManifest.Constants())
        {
            if (k.MayBeMissing)
                c.AppendLine(CultureInfo.InvariantCulture, $"#ifdef {k.Name}");
            AppendAssert(c, k.Name, k.Value);
            if (k.MayBeMissing)
                c.AppendLine("#endif");
        }
        foreach (HeaderSize s in HeaderManifest.Sizes())
            c.AppendLine(CultureInfo.InvariantCulture, $"_Static_assert(sizeof({s.CType}) == {s.Size}, \"sizeof({s.CType}) is not {s.Size}\");");
        foreach (HeaderOffset o in HeaderManifest.Offsets())
            c.AppendLine(CultureInfo.InvariantCulture, $"_Static_assert(offsetof({o.CType}, {o.Field}) == {o.Offset}, \"offsetof({o.CType}, {o.Field}) is not {o.Offset}\");");
        return c.ToString();
    }

    private static void AppendAssert(StringBuilder c, string name, long value) =>
        // Compare as unsigned 64-bit so int, unsigned and _IOR values all compare bit for bit (AT_FDCWD is -100).
        c.AppendLine(CultureInfo.InvariantCulture,
            $"_Static_assert((unsigned long long)({name}) == (unsigned long long)({value}LL), \"{name} is not {value} (0x{value:x})\");");

    internal static (bool Ok, string Errors) Compile(string source)
    {
        using var dir = new TempDir();
        string file = dir.WriteFile("check.c", source);
        var r = Sh.TryRun("gcc", "-std=gnu11", "-fsyntax-only", "-Werror", file);
        return (r.ExitCode == 0, r.StdErr + r.StdOut + (r.ExitCode == 0 ? "" : "\n--- generated ---\n" + source));
    }
}

using Kernel.Update.Rollback.Fuzz;

// rollback-fuzz TARGET                 run under afl-fuzz (SharpFuzz): an input is a crash if it escapes as an untyped error
// rollback-fuzz --replay TARGET FILE... run inputs without AFL and print what each one did (crash triage)
// rollback-fuzz --seeds DIR            write a real store to DIR/store and a seed corpus per target to DIR/TARGET/
if (args.Length >= 2 && args[0] == "--seeds")
{
    Seeds.Write(args[1]);
    return 0;
}
if (args.Length >= 3 && args[0] == "--replay")
{
    var replayed = Targets.For(args[1]);
    int escaped = 0;
    foreach (string file in args[2..])
    {
        try
        {
            Targets.Run(replayed, File.ReadAllBytes(file));
            Console.WriteLine($"{file}: ok (accepted or a typed error)");
        }
        catch (Exception e)
        {
            escaped++;
            Console.WriteLine($"{file}: ESCAPED {e}");
        }
    }
    Targets.DeleteStateFile();
    return escaped == 0 ? 0 : 1;
}
if (args.Length == 1 && !args[0].StartsWith('-'))
{
    var target = Targets.For(args[0]);
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        Targets.Run(target, buffer.ToArray());
    });
    return 0;
}
Console.Error.WriteLine($"usage: rollback-fuzz TARGET | --replay TARGET FILE... | --seeds DIR   (TARGET: {string.Join(", ", Targets.Names)})");
return 2;

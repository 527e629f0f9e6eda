using System.Text;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Operations;

public sealed class OperationJournalTests
{
    private static readonly string[] Scope = ["kernel", "drivers", "app"];

    internal static OperationJournal NewJournal(string store, params string[] components) =>
        OperationJournal.Create(store, RollbackScope.Partial, "0123456789ab", components.Length == 0 ? Scope : components, "uid 0 (root)",
            NullLogger.Instance);

    /// <summary>A journal left as a crash would leave it: in ComponentRollback, with kernel restored.</summary>
    private static string WriteInterruptedJournal(string store)
    {
        using var journal = NewJournal(store);
        journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
        journal.RecordSafetyPoint(RecordingPhaseActions.SafetyPoint);
        journal.EnterPhase(RollbackPhase.SnapshotValidation);
        journal.EnterPhase(RollbackPhase.ComponentRollback);
        journal.RecordStep("kernel", ComponentSteps.Restored);
        return journal.Path;
    }

    [Fact]
    public void AJournalReplaysToTheStateItWasWritten()
    {
        using var store = new TempDirectory();
        string operationId;
        using (var journal = NewJournal(store))
        {
            operationId = journal.State.OperationId;
            journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
            journal.RecordSafetyPoint("5afe00000001");
            journal.EnterPhase(RollbackPhase.SnapshotValidation);
            journal.EnterPhase(RollbackPhase.ComponentRollback);
            journal.RecordStep("kernel", ComponentSteps.Restored);
            journal.RecordStep("drivers", ComponentSteps.Restored);
            journal.RecordNote("half-way");
        }

        using var loaded = OperationJournal.Open(store, NullLogger.Instance);
        var state = loaded.State;
        Assert.Equal(operationId, state.OperationId);
        Assert.Matches("^[0-9a-f]{12}$", state.OperationId);
        Assert.Equal(RollbackScope.Partial, state.Scope);
        Assert.Equal("0123456789ab", state.TargetPointId);
        Assert.Equal(Scope, state.Components);
        Assert.Equal("uid 0 (root)", state.Actor);
        Assert.Equal(RollbackPhase.ComponentRollback, state.Phase);
        Assert.Equal("5afe00000001", state.SafetyPointId);
        Assert.True(state.IsDone("kernel", ComponentSteps.Restored));
        Assert.True(state.IsDone("drivers", ComponentSteps.Restored));
        Assert.False(state.IsDone("app", ComponentSteps.Restored));
        Assert.False(state.AllAt(ComponentSteps.Restored));
        Assert.All(state.Steps, s => Assert.Equal(RollbackPhase.ComponentRollback, s.Phase));
        Assert.False(state.Finished);
        Assert.Equal(8, state.Records);
    }

    [Fact]
    public void TheJournalFileIsCompleteOnDiskAfterEveryAppend()
    {
        using var store = new TempDirectory();
        using var journal = NewJournal(store);
        Assert.False(File.Exists(journal.Layout.Pending));
        AssertOnDisk(1);

        journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
        AssertOnDisk(2);
        journal.RecordSafetyPoint("5afe00000001");
        AssertOnDisk(3);
        journal.RecordStep("app", ComponentSteps.ServicesStopped);
        AssertOnDisk(4);

        void AssertOnDisk(int records)
        {
            byte[] bytes = File.ReadAllBytes(journal.Path);
            Assert.Equal((byte)'\n', bytes[^1]);
            Assert.Equal(records, bytes.Count(b => b == (byte)'\n'));
            var (state, validLength, torn) = OperationJournal.Replay(journal.Path, bytes);
            Assert.Null(torn);
            Assert.Equal(bytes.Length, validLength);
            Assert.Equal(records, state.Records);
            Assert.Equal(journal.State.Phase, state.Phase);
        }
    }

    [Fact]
    public void EveryLineIsAChecksumAndOneJsonObject()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store, "etc"))
            journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);

        string[] lines = File.ReadAllLines(new JournalLayout(store).Current);
        Assert.Equal(2, lines.Length);
        Assert.Matches("""^[0-9a-f]{8} \{"type":"started","operationId":"[0-9a-f]{12}","scope":"Partial","targetPointId":"0123456789ab","components":\["etc"\],"actor":"uid 0 \(root\)","started":"[^"]+"\}$""", lines[0]);
        Assert.Matches("""^[0-9a-f]{8} \{"type":"phase","phase":"CreatingRecoveryPoint","at":"[^"]+"\}$""", lines[1]);
    }

    [Theory]
    [InlineData("prefix")]      // the write stopped part-way: no end of line
    [InlineData("flipped")]     // the whole line landed but a block of it did not
    [InlineData("zeros")]       // the size grew, the data never came
    public void ATornLastLineIsDroppedAndCutOffBeforeTheNextAppend(string damage)
    {
        using var store = new TempDirectory();
        string path = WriteInterruptedJournal(store);
        long intactLength = new FileInfo(path).Length;
        byte[] torn = JournalLine.Encode(new ComponentStepRecord("drivers", ComponentSteps.Restored, DateTimeOffset.UtcNow));
        torn = damage switch
        {
            "prefix" => torn[..(torn.Length / 2)],
            "flipped" => Flip(torn, 20),
            _ => new byte[37],
        };
        using (var file = new FileStream(path, FileMode.Append))
            file.Write(torn);

        Assert.Equal(RollbackPhase.ComponentRollback, OperationJournal.Inspect(store)!.Phase);
        using (var journal = OperationJournal.Open(store, NullLogger.Instance))
        {
            Assert.Equal(RollbackPhase.ComponentRollback, journal.State.Phase);
            Assert.False(journal.State.IsDone("drivers", ComponentSteps.Restored));
            Assert.Equal(intactLength, new FileInfo(path).Length);
            journal.RecordStep("drivers", ComponentSteps.Restored);
        }

        using var again = OperationJournal.Open(store, NullLogger.Instance);
        Assert.True(again.State.IsDone("drivers", ComponentSteps.Restored));
    }

    [Theory]
    [InlineData(2, 12)]  // the JSON of line 2
    [InlineData(3, 3)]   // the checksum of line 3
    [InlineData(5, -2)]  // the end of line 5, which is not the last
    public void ADamagedEarlierLineIsCorruptionNamingTheFileAndLine(int line, int offsetInLine)
    {
        using var store = new TempDirectory();
        string path = WriteInterruptedJournal(store);
        byte[] bytes = File.ReadAllBytes(path);
        int start = 0;
        for (int i = 1; i < line; i++)
            start = Array.IndexOf(bytes, (byte)'\n', start) + 1;
        int end = Array.IndexOf(bytes, (byte)'\n', start);
        File.WriteAllBytes(path, Flip(bytes, offsetInLine >= 0 ? start + offsetInLine : end + offsetInLine));

        foreach (var load in new Action[] { () => OperationJournal.TryLoadInterrupted(store, NullLogger.Instance), () => OperationJournal.Inspect(store) })
        {
            var error = Assert.Throws<RollbackException>(load);
            Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
            Assert.Equal(ExitCodes.Corruption, error.ExitCode);
            Assert.Contains(path, error.Message);
            Assert.Contains($"line {line}", error.Message);
        }
    }

    [Fact]
    public void AnIntactLastLineThatIsNoRecordIsCorruptionNotATornWrite()
    {
        using var store = new TempDirectory();
        string path = WriteInterruptedJournal(store);
        byte[] json = """{"type":"teleported","at":"2025-01-01T00:00:00+00:00"}"""u8.ToArray();
        File.AppendAllText(path, Crc32C.Compute(json).ToString("x8") + " " + Encoding.UTF8.GetString(json) + "\n");

        var error = Assert.Throws<RollbackException>(() => OperationJournal.Open(store, NullLogger.Instance));
        Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
        Assert.Contains("line 7", error.Message);
    }

    [Fact]
    public void ARecordThatCannotFollowIsCorruptionEvenWithAGoodChecksum()
    {
        using var store = new TempDirectory();
        string path = WriteInterruptedJournal(store);
        File.AppendAllText(path, Encoding.UTF8.GetString(
            JournalLine.Encode(new ComponentStepRecord("bootloader", ComponentSteps.Restored, DateTimeOffset.UtcNow))));

        var error = Assert.Throws<RollbackException>(() => OperationJournal.Open(store, NullLogger.Instance));
        Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
        Assert.Contains("'bootloader', which is outside the operation's scope", error.Message);
    }

    [Fact]
    public void NoJournalMeansNothingWasInterrupted()
    {
        using var store = new TempDirectory();
        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));
        Assert.Null(OperationJournal.TryLoadInterrupted(Path.Combine(store, "never-created"), NullLogger.Instance));
        Assert.Null(OperationJournal.Inspect(store));
        var error = Assert.Throws<RollbackException>(() => OperationJournal.Open(store, NullLogger.Instance));
        Assert.Equal(RollbackErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void ASecondOperationIsRefusedWhileOneIsJournaled()
    {
        using var store = new TempDirectory();
        WriteInterruptedJournal(store);
        var error = Assert.Throws<RollbackException>(() => NewJournal(store));
        Assert.Equal(RollbackErrorKind.InvalidState, error.Kind);
        Assert.Contains("rollbackctl recover", error.Message);
    }

    [Fact]
    public void FinishingArchivesTheJournalSoNothingCountsAsInterrupted()
    {
        using var store = new TempDirectory();
        var layout = new JournalLayout(store);
        string firstId;
        using (var journal = NewJournal(store))
        {
            firstId = journal.State.OperationId;
            journal.EnterPhase(RollbackPhase.Failed);
            journal.Finish(RollbackPhase.Failed);
            Assert.False(journal.CanAppend);
            Assert.Equal(RollbackPhase.Failed, journal.State.Result);
        }
        Assert.False(File.Exists(layout.Current));
        Assert.Contains(firstId, File.ReadAllText(layout.Last));
        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));

        using var second = NewJournal(store);
        Assert.NotEqual(firstId, second.State.OperationId);
    }

    [Fact]
    public void AJournalThatFinishedButWasNotArchivedIsArchivedOnLoad()
    {
        using var store = new TempDirectory();
        var layout = new JournalLayout(store);
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(RollbackPhase.Cancelled);
            journal.Append(new OperationFinishedRecord(RollbackPhase.Cancelled, DateTimeOffset.UtcNow));
        }

        Assert.True(OperationJournal.Inspect(store)!.Finished);
        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));
        Assert.False(File.Exists(layout.Current));
        Assert.True(File.Exists(layout.Last));
    }

    [Fact]
    public void ACreatorThatDiedBeforeItsRenameLeftNothingToRecover()
    {
        using var store = new TempDirectory();
        var layout = new JournalLayout(store);
        Directory.CreateDirectory(layout.Directory);
        File.WriteAllBytes(layout.Pending, JournalLine.Encode(
            new OperationStartedRecord("aaaaaaaaaaaa", RollbackScope.FullSystem, "0123456789ab", ["etc"], "root", DateTimeOffset.UtcNow)));

        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));
        Assert.False(File.Exists(layout.Pending));
    }

    [Fact]
    public void ARecordThatCannotFollowIsNeverWritten()
    {
        using var store = new TempDirectory();
        using var journal = NewJournal(store);
        long length = new FileInfo(journal.Path).Length;
        Assert.Throws<InvalidOperationException>(() => journal.RecordStep("bootloader", ComponentSteps.Restored));
        Assert.Throws<InvalidOperationException>(() => journal.Append(new OperationFinishedRecord(RollbackPhase.ComponentRollback, DateTimeOffset.UtcNow)));
        Assert.Equal(length, new FileInfo(journal.Path).Length);
        Assert.True(journal.CanAppend);
    }

    [Fact]
    public void AnEmptyOrDuplicateComponentListIsRefusedBeforeAnythingIsWritten()
    {
        using var store = new TempDirectory();
        var error = Assert.Throws<RollbackException>(() => NewJournal(store, "etc", "etc"));
        Assert.Equal(RollbackErrorKind.InvalidInput, error.Kind);
        Assert.False(File.Exists(new JournalLayout(store).Current));
    }

    [Fact]
    public void Crc32CMatchesTheCastagnoliCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    /// <summary>Changes one byte to one that means something else (also in a hex checksum, where a case flip would not).</summary>
    private static byte[] Flip(byte[] bytes, int index)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[index] = copy[index] == (byte)'0' ? (byte)'1' : (byte)'0';
        return copy;
    }
}

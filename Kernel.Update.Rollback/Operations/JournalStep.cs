namespace Kernel.Update.Rollback.Operations;

/// <summary>A component step as replayed from the journal, with the phase it was recorded in.</summary>
public readonly record struct JournalStep(string Component, string Step, RollbackPhase Phase, DateTimeOffset At);

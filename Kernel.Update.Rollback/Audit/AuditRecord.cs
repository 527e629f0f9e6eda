namespace Kernel.Update.Rollback.Audit;

/// <summary>One line of the store's audit log: what changed the store or the live system, who asked, when, and how it ended.</summary>
public sealed record AuditRecord(
    string Operation,
    string? Id,
    string? Scope,
    IReadOnlyList<string> Components,
    string Actor,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Result,
    string? Error);

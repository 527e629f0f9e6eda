namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// What an operation journal says, replayed record by record: the operation, the phase it is in, the steps
/// done, the safety point, and how it ended. The journal updates it only after a record is durable, so it
/// never runs ahead of the file.
/// </summary>
public sealed class JournalState
{
    private readonly List<JournalStep> _steps = [];
    private readonly HashSet<(string Component, string Step)> _done = [];
    private readonly List<string> _errors = [];

    public string OperationId { get; private set; } = "";
    public RollbackScope Scope { get; private set; }
    public string TargetPointId { get; private set; } = "";

    /// <summary>The components in scope, in restore order (dependencies first).</summary>
    public IReadOnlyList<string> Components { get; private set; } = [];

    public string Actor { get; private set; } = "";
    public DateTimeOffset Started { get; private set; }
    public bool Force { get; private set; }

    /// <summary>The phase last entered; Initializing until the first transition.</summary>
    public RollbackPhase Phase { get; private set; } = RollbackPhase.Initializing;

    public string? SafetyPointId { get; private set; }
    public bool CancelRequested { get; private set; }
    public IReadOnlyList<JournalStep> Steps => _steps;
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// The error journaled in the current phase, before the fault edge was taken (cleared by the next phase).
    /// A resumed machine takes that edge instead of running the phase again: the decision was made.
    /// </summary>
    public string? PendingFault { get; private set; }

    /// <summary>A cancel journaled in the current phase before its edge was taken (cleared by the next phase).</summary>
    public bool PendingCancel { get; private set; }

    /// <summary>The terminal phase once the operation finished, else null.</summary>
    public RollbackPhase? Result { get; private set; }

    public bool Finished => Result is not null;

    /// <summary>How many records were replayed or appended.</summary>
    public int Records { get; private set; }

    public bool IsDone(string component, string step) => _done.Contains((component, step));

    /// <summary>True when every component in scope has reached <paramref name="step"/>.</summary>
    public bool AllAt(string step) => Components.All(c => IsDone(c, step));

    /// <summary>
    /// Why <paramref name="record"/> cannot follow the records applied so far (the journal is damaged or was
    /// written by something else), or null when it can. Checked before a record is written and when replaying.
    /// </summary>
    internal string? Check(JournalRecord record)
    {
        if (Records == 0)
            return record is OperationStartedRecord started ? CheckStart(started) : "the first record is not the operation's start";
        if (Finished)
            return "a record follows the operation's end";
        return record switch
        {
            OperationStartedRecord => "a second operation start",
            PhaseEnteredRecord entered when !Enum.IsDefined(entered.Phase) => $"unknown phase {(int)entered.Phase}",
            ComponentStepRecord step when !Components.Contains(step.Component, StringComparer.Ordinal) =>
                $"a step for component '{step.Component}', which is outside the operation's scope",
            ComponentStepRecord step when step.Step.Length == 0 => $"an empty step for component '{step.Component}'",
            SafetyPointRecord safety when safety.PointId.Length == 0 => "an empty safety point id",
            SafetyPointRecord safety when SafetyPointId is not null && SafetyPointId != safety.PointId =>
                $"a second safety point {safety.PointId} (the first was {SafetyPointId})",
            ErrorRecord error when !Enum.IsDefined(error.Phase) => $"unknown phase {(int)error.Phase}",
            OperationFinishedRecord finished when !finished.Result.IsTerminal() =>
                $"the operation ends in {finished.Result}, which is not a terminal phase",
            PhaseEnteredRecord or ComponentStepRecord or SafetyPointRecord or NoteRecord or ErrorRecord
                or CancelRequestedRecord or OperationFinishedRecord => null,
            _ => "an unknown record",
        };
    }

    private static string? CheckStart(OperationStartedRecord started)
    {
        if (started.OperationId.Length == 0 || started.TargetPointId.Length == 0 || !Enum.IsDefined(started.Scope))
            return "the operation's start is incomplete";
        if (started.Components.Any(string.IsNullOrEmpty) || started.Components.Distinct(StringComparer.Ordinal).Count() != started.Components.Count)
            return "the operation's start names an empty component or one component twice";
        return null;
    }

    /// <summary>Applies a record that passed <see cref="Check"/>.</summary>
    internal void Apply(JournalRecord record)
    {
        switch (record)
        {
            case OperationStartedRecord started:
                (OperationId, Scope, TargetPointId, Components, Actor, Started) =
                    (started.OperationId, started.Scope, started.TargetPointId, started.Components.ToArray(), started.Actor, started.Started);
                Force = started.Force;
                break;
            case PhaseEnteredRecord entered:
                Phase = entered.Phase;
                PendingFault = null;
                PendingCancel = false;
                break;
            case ComponentStepRecord step:
                _steps.Add(new JournalStep(step.Component, step.Step, Phase, step.At));
                _done.Add((step.Component, step.Step));
                break;
            case SafetyPointRecord safety:
                SafetyPointId = safety.PointId;
                break;
            case ErrorRecord error:
                _errors.Add(error.Message);
                PendingFault = error.Message;
                break;
            case CancelRequestedRecord:
                CancelRequested = true;
                PendingCancel = true;
                break;
            case OperationFinishedRecord finished:
                Result = finished.Result;
                break;
        }
        Records++;
    }
}

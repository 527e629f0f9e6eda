namespace Kernel.Update.Rollback.Durability;

/// <summary>Sees every step through <see cref="DiskSteps"/> of the flow it was installed in: the seam through which
/// crash tests count the engine's durable steps, cut the power before one, and learn what had been made durable.</summary>
internal interface IDiskStepObserver
{
    /// <summary>Before the step runs. Throwing here stops the step from happening at all.</summary>
    void Before(in DiskStep step);

    /// <summary>After the step succeeded (not called when it failed).</summary>
    void After(in DiskStep step);
}

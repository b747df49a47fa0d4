namespace Uffd.SourceGeneration;

/// <summary>
/// The first <c>[FaultRegion]</c> option the generator rejects, with what a diagnostic needs to say so: the attribute
/// argument that sets it and, for a value outside its range, why.
/// </summary>
internal readonly struct RegionOptionProblem
{
    public RegionOptionProblem(RegionDeclarationError error, string? argument, string reason)
    {
        Error = error;
        Argument = argument;
        Reason = reason;
    }

    /// <summary>The rule the options break.</summary>
    public RegionDeclarationError Error { get; }

    /// <summary>The named argument of the attribute that sets the option (<c>Mode</c>, <c>Pages</c>, ...).</summary>
    public string? Argument { get; }

    /// <summary>Why the value is rejected, as the invalid-option diagnostic words it (the rule's name for a conflict between options).</summary>
    public string Reason { get; }
}

namespace Uffd.Analyzers;

/// <summary>
/// Every UFFD diagnostic ID, shared with the code fixes and the tests. Ranges: 0001-0009 declaration, 0010-0019
/// unhandled faults, 0020-0029 callbacks, 0030-0039 deadlocks, 0040-0049 range math, 0050-0059 protocol misuse.
/// </summary>
internal static class DiagnosticIds
{
    public const string RegionNotPartial = "UFFD0001";
    public const string ContainingTypeNotPartial = "UFFD0002";
    public const string RegionGeneric = "UFFD0003";
    public const string RegionStatic = "UFFD0004";
    public const string RegionNotPlainClass = "UFFD0005";
    public const string GeneratedMemberConflict = "UFFD0006";
    public const string InvalidRegionOption = "UFFD0007";

    public const string MissingProvider = "UFFD0010";
    public const string WriteProtectWithoutHandler = "UFFD0011";
    public const string MinorOnAnonymousMemory = "UFFD0012";
    public const string OptionWithoutEffect = "UFFD0013";

    public const string InvalidProviderSignature = "UFFD0020";
    public const string MultipleProviders = "UFFD0021";
    public const string CallbackOutsideRegion = "UFFD0022";
    public const string InvalidWriteHandlerSignature = "UFFD0023";
    public const string MultipleWriteHandlers = "UFFD0024";
    public const string CallbackNeverCalled = "UFFD0025";
    public const string CallbackCompiledAway = "UFFD0026";
    public const string CallbackObsoleteAsError = "UFFD0027";

    public const string CallbackTouchesOwnRegion = "UFFD0030";
    public const string BlockingWaitInCallback = "UFFD0031";
    public const string RawRegionAccess = "UFFD0032";
    public const string SpanLeaseNotDisposed = "UFFD0033";

    public const string NegativePages = "UFFD0040";
    public const string HardCodedPageSize = "UFFD0041";
    public const string WrongPageMask = "UFFD0042";
    public const string UnalignedConstantRange = "UFFD0043";
    public const string OpenWithoutPages = "UFFD0044";
    public const string PagesAboveMaximum = "UFFD0045";

    public const string DontWakeWithoutWake = "UFFD0050";
    public const string ResolutionResultIgnored = "UFFD0051";
    public const string SecondApiHandshake = "UFFD0052";
}

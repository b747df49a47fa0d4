using Microsoft.CodeAnalysis;

namespace Uffd.Analyzers;

/// <summary>
/// Every UFFD diagnostic. Errors are for code that would hang, crash or be rejected by the kernel; warnings for likely
/// bugs. Each has a help page at docs/diagnostics/UFFDnnnn.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>
    /// Help pages live in the repository next to the code, and the links point at them on its default branch (main):
    /// absolute, so that an IDE can open them for a package user who never cloned the repository.
    /// <see cref="RepositoryInfo.Url"/> is generated from the RepositoryUrl property (Directory.Build.props).
    /// </summary>
    private const string HelpBase = RepositoryInfo.Url + "/blob/main/docs/diagnostics/";

    /// <summary>Format: "The [FaultRegion] class '{0}' must be partial: the generator adds its other half".</summary>
    public static readonly DiagnosticDescriptor RegionNotPartial = Error(
        DiagnosticIds.RegionNotPartial, Categories.Declaration,
        "A [FaultRegion] class must be partial",
        "The [FaultRegion] class '{0}' must be partial: the generator adds its other half");

    /// <summary>Format: "'{0}' is nested in '{1}', which must be partial too for the generated half to nest in it".</summary>
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        DiagnosticIds.ContainingTypeNotPartial, Categories.Declaration,
        "The types containing a [FaultRegion] class must be partial",
        "'{0}' is nested in '{1}', which must be partial too for the generated half to nest in it");

    /// <summary>Format: "The [FaultRegion] class '{0}' is generic{1}: region classes and their containers cannot be".</summary>
    public static readonly DiagnosticDescriptor RegionGeneric = Error(
        DiagnosticIds.RegionGeneric, Categories.Declaration,
        "A [FaultRegion] class cannot be generic",
        "The [FaultRegion] class '{0}' is generic{1}: region classes and their containers cannot be");

    /// <summary>Format: "The [FaultRegion] class '{0}' is static: a region is an object that is opened and disposed".</summary>
    public static readonly DiagnosticDescriptor RegionStatic = Error(
        DiagnosticIds.RegionStatic, Categories.Declaration,
        "A [FaultRegion] class cannot be static",
        "The [FaultRegion] class '{0}' is static: a region is an object that is opened and disposed");

    /// <summary>Format: "'{0}' is {1}: [FaultRegion] needs a plain class".</summary>
    public static readonly DiagnosticDescriptor RegionNotPlainClass = Error(
        DiagnosticIds.RegionNotPlainClass, Categories.Declaration,
        "[FaultRegion] needs a plain class",
        "'{0}' is {1}: [FaultRegion] needs a plain class");

    /// <summary>Format: "'{0}' declares '{1}', which the generator writes for [FaultRegion] classes".</summary>
    public static readonly DiagnosticDescriptor GeneratedMemberConflict = Error(
        DiagnosticIds.GeneratedMemberConflict, Categories.Declaration,
        "A [FaultRegion] class declares a member the generator writes",
        "'{0}' declares '{1}', which the generator writes for [FaultRegion] classes");

    /// <summary>Format: "[FaultRegion] on '{0}': {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidRegionOption = Error(
        DiagnosticIds.InvalidRegionOption, Categories.Declaration,
        "Invalid [FaultRegion] option",
        "[FaultRegion] on '{0}': {1}");

    /// <summary>Format: "'{0}' serves {1} faults but has no [PageProvider] method: every access would wait forever".</summary>
    public static readonly DiagnosticDescriptor MissingProvider = Error(
        DiagnosticIds.MissingProvider, Categories.Faults,
        "A region that serves missing or minor faults needs a [PageProvider]",
        "'{0}' serves {1} faults but has no [PageProvider] method: every access would wait forever");

    /// <summary>Format: "'{0}' write-protects pages but has no [WriteHandler]: writes are unprotected without anyone seeing them".</summary>
    public static readonly DiagnosticDescriptor WriteProtectWithoutHandler = Warning(
        DiagnosticIds.WriteProtectWithoutHandler, Categories.Faults,
        "A write-protect region without a [WriteHandler] observes nothing",
        "'{0}' write-protects pages but has no [WriteHandler]: writes are unprotected without anyone seeing them");

    /// <summary>Format: "'{0}' takes minor faults on anonymous memory, which cannot have them: use shared memory or huge pages".</summary>
    public static readonly DiagnosticDescriptor MinorOnAnonymousMemory = Error(
        DiagnosticIds.MinorOnAnonymousMemory, Categories.Faults,
        "Minor faults need shared memory",
        "'{0}' takes minor faults on anonymous memory, which cannot have them: use shared memory or huge pages");

    /// <summary>Format: "[FaultRegion] on '{0}': {1} has no effect {2}" ({2}: "in this mode", "with a synchronous provider", ...).</summary>
    public static readonly DiagnosticDescriptor OptionWithoutEffect = Error(
        DiagnosticIds.OptionWithoutEffect, Categories.Faults,
        "A [FaultRegion] option does not apply to the region's mode or provider",
        "[FaultRegion] on '{0}': {1} has no effect {2}");

    /// <summary>Format: "The {1} '{0}' {2}: the compiler removes every call to it, so the region would never run it".</summary>
    public static readonly DiagnosticDescriptor CallbackCompiledAway = Error(
        DiagnosticIds.CallbackCompiledAway, Categories.Callbacks,
        "A callback whose calls the compiler removes",
        "The {1} '{0}' {2}: the compiler removes every call to it, so the region would never run it");

    /// <summary>Format: "The {1} '{0}' is [Obsolete] as an error: the region's generated call to it would not compile (CS0619); drop 'error: true'".</summary>
    public static readonly DiagnosticDescriptor CallbackObsoleteAsError = Error(
        DiagnosticIds.CallbackObsoleteAsError, Categories.Callbacks,
        "A callback marked [Obsolete] as an error",
        "The {1} '{0}' is [Obsolete] as an error: the region's generated call to it would not compile (CS0619); drop 'error: true'");

    /// <summary>Format: "The [PageProvider] '{0}' must be 'void' or 'PageFill' M(..., Span&lt;byte&gt; page), or 'ValueTask' or 'ValueTask&lt;PageFill&gt;' M(..., Memory&lt;byte&gt; page, CancellationToken cancellationToken){1}".</summary>
    public static readonly DiagnosticDescriptor InvalidProviderSignature = Error(
        DiagnosticIds.InvalidProviderSignature, Categories.Callbacks,
        "Invalid [PageProvider] signature",
        "The [PageProvider] '{0}' must be 'void' or 'PageFill' M(long pageIndex | PageFaultContext context, Span<byte> page), " +
        "or 'ValueTask' or 'ValueTask<PageFill>' M(long pageIndex | PageFaultContext context, Memory<byte> page, CancellationToken cancellationToken){1}");

    /// <summary>Format: "'{0}' has more than one [PageProvider]: '{1}' and '{2}'".</summary>
    public static readonly DiagnosticDescriptor MultipleProviders = Error(
        DiagnosticIds.MultipleProviders, Categories.Callbacks,
        "A region has one [PageProvider]",
        "'{0}' has more than one [PageProvider]: '{1}' and '{2}'");

    /// <summary>Format: "'{0}' is a {1} in '{2}', which has no [FaultRegion]: nothing will ever call it".</summary>
    public static readonly DiagnosticDescriptor CallbackOutsideRegion = Warning(
        DiagnosticIds.CallbackOutsideRegion, Categories.Callbacks,
        "A [PageProvider] or [WriteHandler] outside a [FaultRegion] class is never called",
        "'{0}' is a {1} in '{2}', which has no [FaultRegion]: nothing will ever call it");

    /// <summary>Format: "The [WriteHandler] '{0}' must be 'void M(long pageIndex)' or 'void M(PageFaultContext context)'{1}".</summary>
    public static readonly DiagnosticDescriptor InvalidWriteHandlerSignature = Error(
        DiagnosticIds.InvalidWriteHandlerSignature, Categories.Callbacks,
        "Invalid [WriteHandler] signature",
        "The [WriteHandler] '{0}' must be 'void M(long pageIndex)' or 'void M(PageFaultContext context)'{1}");

    /// <summary>Format: "'{0}' has more than one [WriteHandler]: '{1}' and '{2}'".</summary>
    public static readonly DiagnosticDescriptor MultipleWriteHandlers = Error(
        DiagnosticIds.MultipleWriteHandlers, Categories.Callbacks,
        "A region has one [WriteHandler]",
        "'{0}' has more than one [WriteHandler]: '{1}' and '{2}'");

    /// <summary>Format: "'{0}' is a {1}, but the mode of '{2}' never calls one".</summary>
    public static readonly DiagnosticDescriptor CallbackNeverCalled = Error(
        DiagnosticIds.CallbackNeverCalled, Categories.Callbacks,
        "A callback the region's mode never calls",
        "'{0}' is a {1}, but the mode of '{2}' never calls one");

    /// <summary>Format: "'{0}' runs on a handler thread of '{1}' and reaches its memory through '{2}': the handler would fault on its own region and wait for itself".</summary>
    public static readonly DiagnosticDescriptor CallbackTouchesOwnRegion = Warning(
        DiagnosticIds.CallbackTouchesOwnRegion, Categories.Deadlock,
        "A provider or write handler touches its own region",
        "'{0}' runs on a handler thread of '{1}' and reaches its memory through '{2}': the handler would fault on its own region and wait for itself");

    /// <summary>Format: "'{0}' blocks a handler thread with '{1}': faults wait behind it{2}" ({2}: how to wait without blocking, or empty).</summary>
    public static readonly DiagnosticDescriptor BlockingWaitInCallback = Warning(
        DiagnosticIds.BlockingWaitInCallback, Categories.Deadlock,
        "A provider or write handler blocks its handler thread",
        "'{0}' blocks a handler thread with '{1}': faults wait behind it{2}");

    /// <summary>Format: "'{0}' is dereferenced in managed code: a fault there can deadlock the process with the garbage collector; {1}".</summary>
    public static readonly DiagnosticDescriptor RawRegionAccess = Warning(
        DiagnosticIds.RawRegionAccess, Categories.Deadlock,
        "Region memory dereferenced through a raw address",
        "'{0}' is dereferenced in managed code: a fault there can deadlock the process with the garbage collector; {1}");

    /// <summary>Format: "The SpanLease from '{0}' is never disposed: the next Protect waits 10 s for it, then throws; dispose it with 'using'".</summary>
    public static readonly DiagnosticDescriptor SpanLeaseNotDisposed = Warning(
        DiagnosticIds.SpanLeaseNotDisposed, Categories.Deadlock,
        "A SpanLease is not disposed",
        "The SpanLease from '{0}' is never disposed: the next Protect waits 10 s for it, then throws; dispose it with 'using'");

    /// <summary>Format: "[FaultRegion] on '{0}': Pages = {1} is negative; give a positive page count, or 0 to size the region in Open(pages)".</summary>
    public static readonly DiagnosticDescriptor NegativePages = Error(
        DiagnosticIds.NegativePages, Categories.RangeMath,
        "A region's page count must not be negative",
        "[FaultRegion] on '{0}': Pages = {1} is negative; give a positive page count, or 0 to size the region in Open(pages)");

    /// <summary>Format: "[FaultRegion] on '{0}': Pages = {1} is more than a region's page table holds ({2} pages, UffdLimits.MaxRegionPages); ...".</summary>
    public static readonly DiagnosticDescriptor PagesAboveMaximum = Error(
        DiagnosticIds.PagesAboveMaximum, Categories.RangeMath,
        "A region's page count is more than its page table holds",
        "[FaultRegion] on '{0}': Pages = {1} is more than a region's page table holds ({2} pages, UffdLimits.MaxRegionPages); split the data across regions, or use larger pages");

    /// <summary>Format: "{0} hard-codes the page size: use {1}".</summary>
    public static readonly DiagnosticDescriptor HardCodedPageSize = Warning(
        DiagnosticIds.HardCodedPageSize, Categories.RangeMath,
        "Hard-coded page size",
        "{0} hard-codes the page size: use {1}");

    /// <summary>Format: "'{0}' clears one bit, not the offset within the page: mask with '{1}'".</summary>
    public static readonly DiagnosticDescriptor WrongPageMask = Error(
        DiagnosticIds.WrongPageMask, Categories.RangeMath,
        "Wrong page mask",
        "'{0}' clears one bit, not the offset within the page: mask with '{1}'");

    /// <summary>Format: "The {0} {1} passed to '{2}' is not a positive multiple of any page size: the kernel works in whole pages".</summary>
    public static readonly DiagnosticDescriptor UnalignedConstantRange = Error(
        DiagnosticIds.UnalignedConstantRange, Categories.RangeMath,
        "A constant range that is not whole pages",
        "The {0} {1} passed to '{2}' is not a positive multiple of any page size: the kernel works in whole pages");

    /// <summary>Format: "{0}: call Open(pages) with a positive count, or set Pages in [FaultRegion]", {0} saying why the Open throws.</summary>
    public static readonly DiagnosticDescriptor OpenWithoutPages = Error(
        DiagnosticIds.OpenWithoutPages, Categories.RangeMath,
        "Open without a positive page count",
        "{0}: call Open(pages) with a positive count, or set Pages in [FaultRegion]");

    /// <summary>Format: "'{0}' does not wake the waiters of its range and a path through '{1}' ends without a Wake: the faulting threads can sleep forever". A Warning: the rule cannot know that a thread waits on the range.</summary>
    public static readonly DiagnosticDescriptor DontWakeWithoutWake = Warning(
        DiagnosticIds.DontWakeWithoutWake, Categories.Protocol,
        "DontWake without a later Wake",
        "'{0}' does not wake the waiters of its range and a path through '{1}' ends without a Wake: the faulting threads can sleep forever");

    /// <summary>Format: "The result of '{0}' is ignored: AlreadyPresent needs a Wake, Partial a resubmission, RetryAfterEvents a retry".</summary>
    public static readonly DiagnosticDescriptor ResolutionResultIgnored = Warning(
        DiagnosticIds.ResolutionResultIgnored, Categories.Protocol,
        "The result of a resolution ioctl is ignored",
        "The result of '{0}' is ignored: AlreadyPresent needs a Wake, Partial a resubmission, RetryAfterEvents a retry");

    /// <summary>Format: "UFFDIO_API on '{0}', which already had its handshake (in Userfaultfd.Create, or earlier in this method): a second one fails with EINVAL".</summary>
    public static readonly DiagnosticDescriptor SecondApiHandshake = Error(
        DiagnosticIds.SecondApiHandshake, Categories.Protocol,
        "A second feature handshake on one userfaultfd",
        "UFFDIO_API on '{0}', which already had its handshake (in Userfaultfd.Create, or earlier in this method): a second one fails with EINVAL");

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        Create(id, category, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        Create(id, category, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string category, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}

/// <summary>Diagnostic categories, one per area.</summary>
internal static class Categories
{
    public const string Declaration = "Uffd.Declaration";
    public const string Faults = "Uffd.Faults";
    public const string Callbacks = "Uffd.Callbacks";
    public const string Deadlock = "Uffd.Deadlock";
    public const string RangeMath = "Uffd.RangeMath";
    public const string Protocol = "Uffd.Protocol";
}

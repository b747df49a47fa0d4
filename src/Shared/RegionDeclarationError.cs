namespace Uffd.SourceGeneration;

/// <summary>
/// Why a <c>[FaultRegion]</c> declaration cannot be generated. The generator emits nothing for such a type; the
/// analyzers turn each reason into a diagnostic.
/// </summary>
internal enum RegionDeclarationError
{
    /// <summary>Uffd.Runtime (FaultRegionEngine, PageFaultContext, PageFill) is not referenced.</summary>
    RuntimeNotReferenced,
    /// <summary>The attribute is on a struct, interface or other non-class type.</summary>
    NotAClass,
    /// <summary>A record: its copy constructor and <c>with</c> would share one engine between two owners.</summary>
    IsRecord,
    /// <summary>The class is not declared <c>partial</c>.</summary>
    NotPartial,
    /// <summary>A static class cannot be instantiated or disposed.</summary>
    IsStatic,
    /// <summary>Generic region classes are not supported.</summary>
    IsGeneric,
    /// <summary>A file-local class cannot be extended from another file.</summary>
    IsFileLocal,
    /// <summary>A file declaring the class has syntax errors (the compiler reports them).</summary>
    SyntaxErrors,
    /// <summary>A containing class, struct or record is not partial, so the generated part cannot nest in it.</summary>
    ContainingTypeNotPartial,
    /// <summary>A containing type is an interface, which the generated part cannot reopen around the class.</summary>
    NestedInInterface,
    /// <summary>A containing type is generic (not supported).</summary>
    ContainingTypeGeneric,
    /// <summary><c>[FaultRegion]</c> appears more than once on the class (across its partial declarations).</summary>
    DuplicateAttribute,
    /// <summary>An attribute argument did not bind to a constant (a compile error elsewhere).</summary>
    InvalidAttributeArgument,
    /// <summary><c>Mode</c> is empty or has bits that are not FaultMode values.</summary>
    InvalidMode,
    /// <summary><c>Pages</c> is negative.</summary>
    NegativePages,
    /// <summary><c>Pages</c> is more than a region's page table holds.</summary>
    PagesAboveMaximum,
    /// <summary><c>HandlerThreads</c> is negative.</summary>
    NegativeHandlerThreads,
    /// <summary><c>ReadAhead</c> is negative.</summary>
    NegativeReadAhead,
    /// <summary><c>ReadAheadMode</c> is not a ReadAheadMode value.</summary>
    InvalidReadAheadMode,
    /// <summary><c>ReadAheadMode = Sequential</c> without <c>ReadAhead</c>: there is no read-ahead to adapt.</summary>
    SequentialReadAheadWithoutReadAhead,
    /// <summary><c>MaxFaultsInFlight</c> is negative.</summary>
    NegativeMaxFaultsInFlight,
    /// <summary><c>MaxFaultsInFlight</c> is set but the provider is synchronous (or there is none): nothing is in flight.</summary>
    MaxFaultsInFlightWithoutAsynchronousProvider,
    /// <summary><c>[PageProvider(MaxPagesPerCall = n)]</c> with n below 1.</summary>
    InvalidMaxPagesPerCall,
    /// <summary><c>ReadAhead</c> is positive but the mode has no Missing faults to read ahead of.</summary>
    ReadAheadWithoutMissing,
    /// <summary><c>Memory</c> is not a RegionMemory value.</summary>
    InvalidMemory,
    /// <summary><c>OnProviderError</c> is not a ProviderErrorPolicy value.</summary>
    InvalidProviderErrorPolicy,
    /// <summary>Minor faults need shared memory; <c>Memory = Anonymous</c> cannot have them.</summary>
    MinorOnAnonymousMemory,
    /// <summary><c>ProtectOnFill</c> needs both Missing and WriteProtect in the mode.</summary>
    ProtectOnFillWithoutMissingAndWriteProtect,
    /// <summary><c>WriteTracking</c> is not a WriteTracking value.</summary>
    InvalidWriteTracking,
    /// <summary><c>UserModeOnly</c> is not a UserModeOnlyPolicy value.</summary>
    InvalidUserModeOnly,
    /// <summary><c>WriteTracking = Asynchronous</c> without WriteProtect in the mode: there are no protected pages to track.</summary>
    AsynchronousTrackingWithoutWriteProtect,
    /// <summary><c>ProtectOnFill</c> with asynchronous tracking, which installs every filled page protected anyway.</summary>
    ProtectOnFillWithAsynchronousTracking,
    /// <summary>A remote region (<c>Remote = true</c>) with a mode other than Missing: another process's faults are resolved by COPY and ZEROPAGE only.</summary>
    RemoteModeNotMissing,
    /// <summary>A remote region with <c>Pages</c>, <c>Memory</c> or <c>UserModeOnly</c>, which come from the remote process.</summary>
    RemoteWithLocalOption,
    /// <summary>The mode has Missing or Minor faults but the class has no <c>[PageProvider]</c> method.</summary>
    MissingProvider,
    /// <summary>More than one <c>[PageProvider]</c> method.</summary>
    MultipleProviders,
    /// <summary>The <c>[PageProvider]</c> method has none of the supported signatures.</summary>
    InvalidProviderSignature,
    /// <summary>A <c>[PageProvider]</c> in a WriteProtect-only region would never be called.</summary>
    UnusedProvider,
    /// <summary>More than one <c>[WriteHandler]</c> method.</summary>
    MultipleWriteHandlers,
    /// <summary>The <c>[WriteHandler]</c> method has none of the supported signatures.</summary>
    InvalidWriteHandlerSignature,
    /// <summary>A <c>[WriteHandler]</c> in a region without WriteProtect, or with asynchronous tracking, would never be called.</summary>
    UnusedWriteHandler,
    /// <summary>A callback whose calls the compiler removes: a partial method with no body, or a <c>[Conditional]</c> one.</summary>
    CallbackCompiledAway,
    /// <summary>A callback marked <c>[Obsolete(..., error: true)]</c>: the generated call would be error CS0619.</summary>
    CallbackObsoleteAsError,
    /// <summary>The class (or a base class) already declares a member the generator would add (Dispose, Open, ...).</summary>
    MemberNameConflict,
}

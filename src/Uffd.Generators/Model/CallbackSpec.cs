using Uffd.SourceGeneration;

namespace Uffd.Generators.Model;

/// <summary>A user method the engine calls through the generated callbacks struct.</summary>
/// <param name="Name">The method's name as written in code.</param>
/// <param name="IsStatic">Called on the type instead of the instance.</param>
/// <param name="Input">What the first parameter is: the page index or the fault context (by value or <c>in</c>).</param>
/// <param name="ReturnsPageFill">The provider returns <c>PageFill</c> or <c>ValueTask&lt;PageFill&gt;</c> (otherwise void or <c>ValueTask</c>: the page counts as filled).</param>
/// <param name="IsObsolete">The method is <c>[Obsolete]</c>: the generated call suppresses the warning the user cannot fix there.</param>
/// <param name="ExperimentalId">The diagnostic ID of its <c>[Experimental]</c> attribute, or null: the generated call suppresses
/// that diagnostic (an error by default), which marks the method's other callers, not the region that must call it.</param>
/// <param name="IsAsynchronous">An asynchronous provider: <c>ValueTask[&lt;PageFill&gt;] M(input, Memory&lt;byte&gt;, CancellationToken)</c>.</param>
internal sealed record CallbackSpec(
    string Name, bool IsStatic, CallbackInput Input, bool ReturnsPageFill, bool IsObsolete = false, string? ExperimentalId = null,
    bool IsAsynchronous = false);

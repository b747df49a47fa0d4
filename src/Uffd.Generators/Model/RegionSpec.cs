using Uffd.SourceGeneration;

namespace Uffd.Generators.Model;

/// <summary>
/// Everything the emitter needs for one region, and nothing from the compilation: strings, numbers and enums only,
/// so two parses of the same declaration are equal and the pipeline caches everything after the parser.
/// </summary>
/// <param name="Type">Where the class is and how to reopen it.</param>
/// <param name="Settings">The attribute's values.</param>
/// <param name="Provider">The <c>[PageProvider]</c> method, or null (WriteProtect-only regions).</param>
/// <param name="WriteHandler">The <c>[WriteHandler]</c> method, or null.</param>
/// <param name="Language">The newest C# the project's compiler accepts in the generated file.</param>
internal sealed record RegionSpec(
    TypeHierarchySpec Type,
    RegionSettingsSpec Settings,
    CallbackSpec? Provider,
    CallbackSpec? WriteHandler,
    LanguageLevel Language = LanguageLevel.CSharp9);

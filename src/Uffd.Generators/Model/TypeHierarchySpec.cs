using Uffd.Generators.Helpers;

namespace Uffd.Generators.Model;

/// <summary>The region class's place in the source: namespace, containing types, names.</summary>
/// <param name="Namespace">The namespace, or "" for the global namespace.</param>
/// <param name="Name">The class's name as written in code (a keyword name keeps its '@').</param>
/// <param name="DisplayName">The class's name for messages and the engine (no '@').</param>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified name, containing types included.</param>
/// <param name="FileNameHint">"Namespace.Outer.Class": the generated file's name without its suffix.</param>
/// <param name="ContainingTypes">The partial types the class is nested in, outermost first.</param>
/// <param name="IsSealed">The class is sealed: a plain <c>Dispose</c>; otherwise the dispose pattern a derived class can extend.</param>
internal sealed record TypeHierarchySpec(
    string Namespace,
    string Name,
    string DisplayName,
    string FullyQualifiedName,
    string FileNameHint,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    bool IsSealed = false);

/// <summary>One containing type, reopened as written: <c>{Keywords} {Name}</c>.</summary>
/// <param name="Keywords">For example "partial class", "static partial class", "partial record struct".</param>
/// <param name="Name">Its name as written in code.</param>
internal sealed record ContainingTypeSpec(string Keywords, string Name);

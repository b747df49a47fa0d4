namespace Uffd.Generators.Model;

/// <summary>One region's generated file: compared as strings, so an unchanged text is never added again.</summary>
/// <param name="FileNameHint">"Namespace.Outer.Class" (the output stage appends ".FaultRegion.g.cs").</param>
/// <param name="Text">The source text.</param>
internal sealed record GeneratedRegionSource(string FileNameHint, string Text);

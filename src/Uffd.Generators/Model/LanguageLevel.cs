namespace Uffd.Generators.Model;

/// <summary>
/// The newest C# the generated file may use: the project's <c>LangVersion</c>, in the steps where the emitted code
/// differs. Code the project's compiler rejects would put errors inside the <c>.g.cs</c>, where the user cannot fix them.
/// </summary>
internal enum LanguageLevel
{
    /// <summary>C# 7.2 and 7.3: no nullable annotations (<c>#nullable</c>, <c>T?</c> on reference types). Below 7.2 nothing
    /// compiles: the callbacks interface the generated struct implements takes <c>in</c> parameters.</summary>
    CSharp7,
    /// <summary>C# 8: nullable annotations, but no <c>nint</c> and no <c>not</c> pattern.</summary>
    CSharp8,
    /// <summary>C# 9 and newer: everything the emitter writes.</summary>
    CSharp9,
}

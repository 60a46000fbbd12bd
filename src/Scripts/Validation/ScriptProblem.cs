namespace Collections.Scripts.Validation;

/// <summary>One thing wrong with a script file: where it is and what it is.</summary>
/// <param name="File">The script file as it was named to the loader.</param>
/// <param name="Line">1-based line; 0 when the problem concerns the file as a whole.</param>
/// <param name="Error">A sentence for the script author.</param>
public sealed record ScriptProblem(string File, int Line, string Error);

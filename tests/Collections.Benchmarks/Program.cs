using BenchmarkDotNet.Running;

namespace Collections.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- --filter '*'</c>.</summary>
public static class BenchmarkEntry
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
}

using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>
/// What a browser test saw when it failed: each watched page's address, visible text and the last browser console lines.
/// CI prints only the end of a run, so a failing step's message carries the page state itself (a screenshot in the test's
/// output folder is lost with the CI machine).
/// </summary>
internal sealed class PageState
{
    private readonly List<(string Name, IPage Page, ConcurrentQueue<string> Console)> _pages = [];

    /// <summary>Records <paramref name="page"/>'s console messages and page errors from now on.</summary>
    public IPage Watch(string name, IPage page)
    {
        var lines = new ConcurrentQueue<string>();
        page.Console += (_, m) => Keep(lines, $"{m.Type}: {m.Text}");
        page.PageError += (_, error) => Keep(lines, $"page error: {error}");
        _pages.Add((name, page, lines));
        return page;
    }

    /// <summary>Runs <paramref name="test"/>; when it fails, throws a failure whose message adds every watched page's state.</summary>
    public async Task RunAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{failure.Message}\n{await DescribeAsync()}", failure);
        }
    }

    private async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        foreach (var (name, page, console) in _pages)
        {
            text.Append("--- ").Append(name).Append(" page at ").AppendLine(page.IsClosed ? "(closed)" : page.Url);
            try
            {
                var body = page.IsClosed ? "" : await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
                text.AppendLine(body.Length > 2_000 ? body[..2_000] + " [...]" : body);
            }
            catch (PlaywrightException e)
            {
                text.AppendLine($"(page text unreadable: {e.Message})");
            }

            text.AppendLine("console:").AppendJoin('\n', console).AppendLine();
        }

        return text.ToString();
    }

    private static void Keep(ConcurrentQueue<string> lines, string line)
    {
        lines.Enqueue(line);
        while (lines.Count > 30 && lines.TryDequeue(out _))
        {
        }
    }
}

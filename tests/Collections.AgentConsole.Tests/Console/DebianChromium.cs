using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Debian's Chromium (never a browser Playwright downloads), headless, with nothing that reaches the network.</summary>
internal static class DebianChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <param name="extraArgs">Switches a test adds, such as the fake media devices of the browser phone test.</param>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] extraArgs)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: test.sh installs Debian's chromium package");
        // Waits, not speed limits: a loaded CI machine may take longer than Playwright's default 5 s to render a step.
        Assertions.SetDefaultExpectTimeout(20_000);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync", .. extraArgs],
        });
    }
}

using Collections.Dialer.InterestCli;

namespace Collections.Dialer.Tests.InterestCli;

public sealed class InterestCommandTests
{
    private static string ConfigDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
                {
                    return Path.Combine(dir.FullName, "config", "interest");
                }
            }

            throw new DirectoryNotFoundException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    private static (int Code, string Out, string Err) Run(string jurisdiction, string debtor, string principal, string currency, string due, string until)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = InterestCommand.Run(
            new InterestCommand.Arguments(jurisdiction, debtor, principal, currency, due, until, ConfigDirectory, null), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // DESIGN.md section 5 output for the German consumer example of docs/interest.md (hand-computed in
    // Collections.Shared.Tests GermanStatutoryInterestTests: BGB § 288 (1), Basiszinssatz 3.62/3.37/2.27/1.27 %).
    [Fact]
    public void GermanConsumerExample_PrintsTheContractLine()
    {
        var (code, output, error) = Run("DE", "consumer", "1000.00", "EUR", "2024-03-15", "2025-09-30");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Equal(
            """{"interest":119.31,"flatFee":0,"periods":[{"from":"2024-03-16","to":"2024-06-30","ratePercent":8.62,"amount":25.27},{"from":"2024-07-01","to":"2024-12-31","ratePercent":8.37,"amount":42.19},{"from":"2025-01-01","to":"2025-06-30","ratePercent":7.27,"amount":36.05},{"from":"2025-07-01","to":"2025-09-30","ratePercent":6.27,"amount":15.80}]}""" + Environment.NewLine,
            output);
    }

    [Theory]
    [InlineData("XX", "consumer", "1000.00", "EUR", "2024-03-15", "2025-09-30", "--jurisdiction")]
    [InlineData("DE", "person", "1000.00", "EUR", "2024-03-15", "2025-09-30", "--debtor")]
    [InlineData("DE", "consumer", "-5", "EUR", "2024-03-15", "2025-09-30", "--principal")]
    [InlineData("DE", "consumer", "1.000,00", "EUR", "2024-03-15", "2025-09-30", "--principal")]
    [InlineData("DE", "consumer", "1000.00", "EURO", "2024-03-15", "2025-09-30", "--currency")]
    [InlineData("DE", "consumer", "1000.00", "EUR", "15.03.2024", "2025-09-30", "--due")]
    [InlineData("DE", "consumer", "1000.00", "EUR", "2024-03-15", "2024-03-14", "--until")]
    [InlineData("DE", "consumer", "1000.00", "EUR", "2024-03-15", "2030-01-01", "--until")]
    public void BadInput_ExitsWith2AndNamesTheOption(string jurisdiction, string debtor, string principal, string currency, string due, string until, string option)
    {
        var (code, output, error) = Run(jurisdiction, debtor, principal, currency, due, until);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith(option + ":", error, StringComparison.Ordinal);
    }
}

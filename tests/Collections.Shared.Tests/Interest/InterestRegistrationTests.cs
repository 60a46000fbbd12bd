using Collections.Shared.Interest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

public sealed class InterestRegistrationTests
{
    [Fact]
    public void AddStatutoryInterest_ResolvesACalculatorOverTheConfiguredFolder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Interest:RulesDirectory"] = RepoConfig.InterestDirectory;
        builder.AddStatutoryInterest();
        using var host = builder.Build();

        var result = host.Services.GetRequiredService<StatutoryInterestCalculator>().Calculate(new InterestRequest(
            "DE", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal(119.31m, result.Interest);
    }

    [Fact]
    public void AddStatutoryInterest_MissingFolder_FailsValidationNamingTheKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Interest:RulesDirectory"] = Path.Combine(Path.GetTempPath(), "no-such-interest-folder");
        builder.AddStatutoryInterest();
        using var host = builder.Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<InterestOptions>>().Value);
        Assert.Contains("Interest:RulesDirectory", ex.Message, StringComparison.Ordinal);
    }
}

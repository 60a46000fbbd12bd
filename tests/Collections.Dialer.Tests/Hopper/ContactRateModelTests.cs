using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>Contact rates by debtor-local hour of week: learned from calls, shrunk toward a prior so empty buckets are sane.</summary>
public sealed class ContactRateModelTests
{
    private static readonly DebtorId Ann = DebtorId.New();
    private static readonly DebtorId Bob = DebtorId.New();

    [Fact]
    public void With_no_calls_every_bucket_holds_the_prior_rate()
    {
        var model = ContactRateModel.Learn([], populationStrength: 20, debtorStrength: 4);
        Assert.Equal(0.1, model.Overall, 10);
        Assert.All(Enumerable.Range(0, ContactRateModel.Buckets), h => Assert.Equal(0.1, model.Rate(Ann, h).Rate, 10));
        Assert.Empty(model.ObservedHours);
    }

    [Fact]
    public void Rates_follow_the_data_and_stay_between_zero_and_one_in_empty_and_full_buckets()
    {
        // Population: Monday 09:00 (bucket 9) answered 40 of 100 times, Monday 14:00 (bucket 14) 5 of 100.
        var calls = new List<ContactObservation>();
        for (var i = 0; i < 100; i++)
        {
            calls.Add(new ContactObservation(DebtorId.New(), 9, i < 40));
            calls.Add(new ContactObservation(DebtorId.New(), 14, i < 5));
        }

        // Ann: answered all of her three calls at 14:00.
        calls.AddRange(Enumerable.Range(0, 3).Select(_ => new ContactObservation(Ann, 14, true)));
        var model = ContactRateModel.Learn(calls, populationStrength: 20, debtorStrength: 4);

        // (48 contacts + 1 prior) / (203 calls + 10 prior).
        Assert.Equal(49.0 / 213.0, model.Overall, 10);
        var p9 = model.PopulationRate(9);
        var p14 = model.PopulationRate(14);
        Assert.Equal((40 + 20 * model.Overall) / 120, p9, 10);
        Assert.InRange(p9, 0.35, 0.40);
        // Ann's three calls are part of the population too: 8 contacts in 103 calls at 14:00.
        Assert.Equal((8 + 20 * model.Overall) / 123, p14, 10);
        Assert.True(p14 < p9 / 3);
        // An hour nobody was called in falls back to the overall rate, not zero.
        Assert.Equal(model.Overall, model.PopulationRate(100), 10);

        // A debtor with no history gets the population's rates and best hour; Ann's own three answers move her 14:00 up.
        Assert.Equal(p9, model.Rate(Bob, 9).Rate, 10);
        Assert.Equal(9, model.Best(Bob).HourOfWeek);
        var ann14 = model.Rate(Ann, 14);
        Assert.Equal(3, ann14.Attempts);
        Assert.Equal((3 + 4 * p14) / 7, ann14.Rate, 10);
        Assert.Equal(14, model.Best(Ann).HourOfWeek);
        Assert.Equal([9, 14], model.ObservedHours);
    }

    [Fact]
    public void Hour_of_week_is_counted_in_the_debtors_zone_across_a_clock_change()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var newYork = DateTimeZoneProviders.Tzdb["America/New_York"];
        // Monday 2026-03-30 07:30 UTC: 09:30 in Berlin (summer time since 29 March), 03:30 in New York.
        var instant = Instant.FromUtc(2026, 3, 30, 7, 30);
        Assert.Equal(9, ContactRateModel.HourOfWeek(instant, berlin));
        Assert.Equal(3, ContactRateModel.HourOfWeek(instant, newYork));
        // A week earlier the same UTC instant was 08:30 in Berlin (winter time).
        Assert.Equal(8, ContactRateModel.HourOfWeek(instant - Duration.FromDays(7), berlin));
        // Sunday 23:xx is the last bucket.
        Assert.Equal(167, ContactRateModel.HourOfWeek(Instant.FromUtc(2026, 3, 29, 21, 30), berlin));
        Assert.Equal("Mon 09:00", ContactRateModel.Label(9));
        Assert.Equal("Sun 23:00", ContactRateModel.Label(167));
    }
}

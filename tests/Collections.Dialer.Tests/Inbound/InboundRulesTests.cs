using Collections.Dialer.Inbound;
using Collections.Dialer.Media.Audio;
using Collections.Shared.Queues;
using NodaTime;

namespace Collections.Dialer.Tests.Inbound;

/// <summary>The inbound desk's rules that need no call: options checked at start, opening hours, the caller's number read as
/// E.164, in-band DTMF, the service level.</summary>
public sealed class InboundRulesTests
{
    [Fact]
    public void Bad_options_are_refused_naming_the_key_and_the_value()
    {
        var options = new InboundOptions { Numbers = ["+442079460000", "2079460000"], AllowedSources = ["10.0.0.x"], Opens = "8h", TimeZone = "Mars/Olympus", DefaultLanguage = "fr" };
        var problems = options.Problems();
        Assert.Contains(problems, p => p.StartsWith("Dialer:Inbound:Numbers:1: '2079460000'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Dialer:Inbound:AllowedSources:0:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Dialer:Inbound:Opens:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Dialer:Inbound:TimeZone:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Dialer:Inbound:DefaultLanguage:", StringComparison.Ordinal));
        Assert.Empty(new InboundOptions { Numbers = ["+442079460000"] }.Problems());
    }

    [Fact]
    public void Lines_are_open_on_the_configured_days_and_hours_in_the_configured_zone()
    {
        var options = new InboundOptions { Opens = "08:00", Closes = "20:00", TimeZone = "Europe/London", Days = [IsoDayOfWeek.Monday, IsoDayOfWeek.Saturday] };
        // Monday 1 June 2026: British Summer Time, UTC+1.
        Assert.False(options.IsOpen(Instant.FromUtc(2026, 6, 1, 6, 59)));
        Assert.True(options.IsOpen(Instant.FromUtc(2026, 6, 1, 7, 0)));
        Assert.True(options.IsOpen(Instant.FromUtc(2026, 6, 1, 18, 59)));
        Assert.False(options.IsOpen(Instant.FromUtc(2026, 6, 1, 19, 0)));
        Assert.False(options.IsOpen(Instant.FromUtc(2026, 6, 2, 12, 0)), "Tuesday is not an open day");
        Assert.True(new InboundOptions { Opens = "00:00", Closes = "24:00", Days = [IsoDayOfWeek.Tuesday] }.IsOpen(Instant.FromUtc(2026, 6, 2, 22, 59)));
    }

    [Theory]
    [InlineData("+447700900123", "+447700900123")]
    [InlineData("07700900123", "+447700900123")]        // a national number, read in the DID's country
    [InlineData("00491604870901", "+491604870901")]     // the international prefix
    [InlineData("491604870901", "+491604870901")]       // a carrier that drops the plus
    [InlineData("anonymous", null)]                     // RFC 3323: a withheld number
    public void The_callers_number_is_read_as_E164(string user, string? expected) =>
        Assert.Equal(expected, CallerLookup.Normalize(user, "+442079460000"));

    [Fact]
    public void In_band_DTMF_is_heard_once_per_press_and_a_single_tone_or_silence_is_not_a_key()
    {
        var detector = new DtmfDetector();
        var heard = new List<char>();
        void Feed(short[] samples)
        {
            for (var i = 0; i + 160 <= samples.Length; i += 160)
            {
                if (detector.Push(samples.AsSpan(i, 160)) is { } digit)
                {
                    heard.Add(digit);
                }
            }
        }

        Feed(Tones(0.1, 852, 1336));     // 8 for 100 ms
        Feed(new short[800]);            // 100 ms of silence between presses
        Feed(Tones(0.1, 697, 1209));     // 1
        Feed(new short[800]);
        Feed(Tones(0.3, 1000));          // a single tone (a fax, a beep) is no key
        Feed(Tones(0.02, 697, 1209));    // 20 ms is shorter than Q.24's 40 ms
        Assert.Equal(['8', '1'], heard);
    }

    [Fact]
    public void Service_level_counts_calls_answered_in_time_over_answered_and_abandoned_after_the_target()
    {
        Assert.Equal(0.75, ServiceLevel.Of(answeredWithinTarget: 6, answered: 7, abandonedAfterTarget: 1));
        Assert.Equal(1, ServiceLevel.Of(0, 0, 0));
    }

    private static short[] Tones(double seconds, params double[] frequencies) =>
        [.. Enumerable.Range(0, (int)(8000 * seconds)).Select(i => (short)frequencies.Sum(f => 6000 * Math.Sin(2 * Math.PI * f * i / 8000.0)))];
}

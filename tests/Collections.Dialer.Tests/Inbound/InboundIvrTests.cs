using System.Globalization;
using System.Net;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Inbound;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Collections.Shared.Compliance;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Queues;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;

namespace Collections.Dialer.Tests.Inbound;

/// <summary>
/// The IVR as a caller hears it: the dialer's inbound desk on loopback (demo data on a temporary SQLite, the shipped rule packs
/// and prompts, no operator logged in) and our own SIP stack as the caller's phone, pressing keys as RFC 4733 events. What was
/// played is read off the RTP the caller received: each prompt is found in it sample for sample (the prompts are G.711 mu-law,
/// so they arrive unchanged).
/// </summary>
[Trait("Category", "Integration")]
public sealed class InboundIvrTests
{
    private const string Did = "+442079460000";
    private static readonly LocalDate BirthDate = new(1985, 3, 24);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Callers_waiting_hear_their_place_in_the_queue_between_the_music()
    {
        await using var desk = await Desk.StartAsync();
        await using var first = await desk.CallAsync("+447700900001");
        await first.PressWhenHeardAsync(desk.Prompts.Menu("en"), "1");
        await first.WaitToHearAsync(desk.Prompts.Hold("en"));
        await using var second = await desk.CallAsync("+447700900002");
        await second.PressWhenHeardAsync(desk.Prompts.Menu("en"), "1");

        // After the hold message: "your number in the queue is" and "2" for the second caller, "1" for the first, then music.
        var one = desk.Prompts.Number("en", 1).Single();
        var two = desk.Prompts.Number("en", 2).Single();
        var told = await second.WaitToHearAsync(desk.Prompts.Position("en", 2), timeout: TimeSpan.FromSeconds(30));
        Assert.InRange(await second.WaitToHearAsync(two, from: told) - told, 0, 3 * 8000);
        await second.WaitToHearAsync(desk.Prompts.Music, from: told);
        Assert.True(second.Heard(one) < 0, "the second caller was told they are number 1");
        var firstTold = await first.WaitToHearAsync(desk.Prompts.Position("en", 1));
        Assert.InRange(await first.WaitToHearAsync(one, from: firstTold) - firstTold, 0, 3 * 8000);

        // And again after PositionAnnounceSeconds of music.
        await second.WaitToHearAsync(desk.Prompts.Position("en", 2), from: told + 8000, timeout: TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_caller_who_gives_their_date_of_birth_hears_the_balance_in_their_language()
    {
        await using var desk = await Desk.StartAsync();
        var debtor = await desk.EnglishDebtorAsync();
        await using var caller = await desk.CallAsync(debtor.Number);
        await caller.PressWhenHeardAsync(desk.Prompts.Menu("en"), "2");

        // The GB pack allows the date of birth or the reference: the IVR asks for either, and states nothing before.
        var asked = await caller.PressWhenHeardAsync(desk.Prompts.Identify("en", dateOfBirth: true, reference: true), "24031985#");
        var balance = desk.Prompts.Balance("en", debtor.Balance.Amount, debtor.Balance.Currency)!;
        var stated = await caller.WaitToHearAsync(balance, from: asked);
        Assert.True(caller.Heard(balance) >= asked, "the balance was stated before the caller was identified");
        // The whole sentence, to its last words (the amount and the currency: "... pounds and 56 pence").
        Assert.InRange(await caller.WaitToHearAsync(balance[^12000..], from: stated) - stated, 0, balance.Length);

        // Then the menu again.
        await caller.WaitToHearAsync(desk.Prompts.Menu("en"), from: stated);
    }

    [Fact]
    public async Task Three_wrong_identifications_put_the_caller_through_to_an_operator_and_nothing_about_the_debt_is_said()
    {
        await using var desk = await Desk.StartAsync();
        var debtor = await desk.EnglishDebtorAsync();
        await using var caller = await desk.CallAsync(debtor.Number);
        await caller.PressWhenHeardAsync(desk.Prompts.Menu("en"), "2");
        var identify = desk.Prompts.Identify("en", dateOfBirth: true, reference: true);
        var at = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            at = await caller.PressWhenHeardAsync(identify, "01011900#", from: at) + 1;
        }

        var failed = await caller.WaitToHearAsync(desk.Prompts.IdentifyFailed("en"), from: at);
        await caller.WaitToHearAsync(desk.Prompts.Hold("en"), from: failed);
        Assert.True(caller.Heard(desk.Prompts.IdentifyRetry("en")) >= 0, "no 'please try again' after a wrong entry");
        Assert.True(caller.Heard(desk.Prompts.Balance("en", debtor.Balance.Amount, debtor.Balance.Currency)!) < 0, "the balance was stated");

        await using var db = desk.Database();
        var row = await db.InboundCalls.AsNoTracking().SingleAsync(c => c.DebtorId == debtor.DebtorId, Ct);
        Assert.NotNull(row.QueuedAt);
    }

    [Fact]
    public void Amounts_are_said_in_whole_words_hundreds_and_thousands()
    {
        var prompts = new InboundPrompts(null);
        Assert.Equal(Clips(prompts, "en", 1000, 200, 34), prompts.Number("en", 1234));
        Assert.Equal(Clips(prompts, "en", 12).Append(Thousand(prompts, "en")).Concat(Clips(prompts, "en", 300, 45)), prompts.Number("en", 12_345));
        Assert.Equal(Clips(prompts, "de", 5000), prompts.Number("de", 5000));
        Assert.Equal(Clips(prompts, "hu", 0), prompts.Number("hu", 0));
        Assert.Equal(Clips(prompts, "sl", 100, 7), prompts.Number("sl", 107));
        Assert.Null(prompts.Balance("en", 10, "JPY"));

        static IEnumerable<short[]> Clips(InboundPrompts prompts, string language, params int[] numbers) =>
            numbers.Select(n => prompts.Number(language, n).Single());

        static short[] Thousand(InboundPrompts prompts, string language) => prompts.Number(language, 10_000).ToArray()[1];
    }

    /// <summary>The dialer's inbound desk in a host of its own, open around the clock, with demo data.</summary>
    private sealed class Desk : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly DatabaseOptions _database;
        private readonly int _port;

        private Desk(IHost host, DatabaseOptions database, int port)
        {
            _host = host;
            _database = database;
            _port = port;
        }

        public InboundPrompts Prompts { get; } = new(null);

        public static async Task<Desk> StartAsync()
        {
            var database = await TestDatabases.NewSqlite().MigrateAsync();
            await using (var db = DatabaseSetup.CreateContext(database))
            {
                await DemoDataSeeder.SeedIfEmptyAsync(db, SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(1), ct: Ct);
                foreach (var campaign in await db.Campaigns.ToListAsync(Ct))
                {
                    campaign.Status = CampaignStatus.Paused;
                }

                await db.SaveChangesAsync(Ct);
            }

            var port = FreePorts.UdpAndTcp();
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Collections:Database:Provider"] = "Sqlite",
                ["Collections:Database:ConnectionString"] = database.ConnectionString,
                ["Collections:Compliance:RulePackDirectory"] = RepositoryRoot.Combine("config", "compliance"),
                ["Dialer:Sip:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Dialer:Inbound:Numbers:0"] = Did,
                ["Dialer:Inbound:Opens"] = "00:00",
                ["Dialer:Inbound:Closes"] = "24:00",
                ["Dialer:Inbound:TimeZone"] = "UTC",
                ["Dialer:Inbound:PositionAnnounceSeconds"] = "10",
                ["Dialer:Inbound:MenuTimeoutSeconds"] = "4",
                ["Dialer:Inbound:MaxWaitSeconds"] = "120",
            });
            foreach (var (day, i) in Enum.GetNames<IsoDayOfWeek>().Skip(1).Select((d, i) => (d, i)))
            {
                builder.Configuration[$"Dialer:Inbound:Days:{i}"] = day;
            }

            builder.Services.AddLogging();
            builder.AddCollectionsDatabase();
            builder.AddCompliance();
            builder.AddAmd();
            builder.AddTelephony();
            builder.AddCampaignRunner();
            builder.AddInbound();
            var host = builder.Build();
            await host.StartAsync(Ct);
            return new Desk(host, database, port);
        }

        public CollectionsDbContext Database() => DatabaseSetup.CreateContext(_database);

        /// <summary>An English demo debtor in Great Britain with a number no one else has, born on <see cref="BirthDate"/>, and the
        /// balance of the account the desk will match their call to.</summary>
        public async Task<(string Number, DebtorId DebtorId, Money Balance)> EnglishDebtorAsync()
        {
            await using var db = Database();
            var shared = await db.PhoneNumbers.GroupBy(p => p.E164).Where(g => g.Count() > 1).Select(g => g.Key).ToListAsync(Ct);
            var candidates = await (from p in db.PhoneNumbers
                                    join d in db.Debtors on p.DebtorId equals d.Id
                                    where d.PreferredLanguage == "en" && p.WrongNumberAt == null
                                    select new { p.E164, p.DebtorId }).ToListAsync(Ct);
            var pick = candidates.First(c => !shared.Contains(c.E164) && c.E164.StartsWith("+44", StringComparison.Ordinal));
            var debtor = await db.Debtors.SingleAsync(d => d.Id == pick.DebtorId, Ct);
            debtor.DateOfBirth = BirthDate;
            await db.SaveChangesAsync(Ct);
            var caller = await CallerLookup.FindAsync(db, pick.E164, "en", Ct);
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == caller.AccountId, Ct);
            Assert.Equal("en", caller.Language);
            return (pick.E164, pick.DebtorId, account.Balance);
        }

        public async Task<Phone> CallAsync(string from)
        {
            var ua = new SipUserAgent(TimeProvider.System);
            ua.Start(IPAddress.Loopback);
            var target = new IPEndPoint(IPAddress.Loopback, _port);
            var leg = new SipCallLeg(ua, new OutboundCallRequest($"sip:{Did}@127.0.0.1:{_port}", target, SipProtocol.Udp, from,
                TimeSpan.FromSeconds(10), [AudioCodec.Pcmu]));
            var caller = new Phone(ua, leg);
            await leg.PlaceAsync(Ct);
            Assert.True(leg.Answered, "the desk did not answer");
            await leg.MediaReady.WaitAsync(TimeSpan.FromSeconds(5), Ct);
            caller.Listen();
            return caller;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    /// <summary>The caller's phone: what it heard (every sample received, in order) and the keys it presses.</summary>
    private sealed class Phone(SipUserAgent ua, SipCallLeg leg) : IAsyncDisposable
    {
        private readonly List<short> _heard = [];
        private readonly Lock _gate = new();

        private int Count
        {
            get
            {
                lock (_gate)
                {
                    return _heard.Count;
                }
            }
        }

        public void Listen() => leg.Media!.AudioReceived += (_, frame) =>
        {
            lock (_gate)
            {
                _heard.AddRange(frame.Samples);
            }
        };

        /// <summary>Where the loudest 20 ms of <paramref name="clip"/>'s first second was heard, from sample
        /// <paramref name="from"/> on; -1 when it was not.</summary>
        public int Heard(short[] clip, int from = 0)
        {
            var mark = Mark(clip);
            short[] heard;
            lock (_gate)
            {
                heard = [.. _heard];
            }

            for (var i = Math.Max(0, from); i + mark.Length <= heard.Length; i++)
            {
                if (heard.AsSpan(i, mark.Length).SequenceEqual(mark))
                {
                    return i;
                }
            }

            return -1;
        }

        public async Task<int> WaitToHearAsync(short[] clip, int from = 0, TimeSpan? timeout = null)
        {
            var until = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
            while (true)
            {
                if (Heard(clip, from) is >= 0 and var at)
                {
                    return at;
                }

                Assert.True(DateTimeOffset.UtcNow < until, $"the prompt was not played ({Count} samples heard)");
                Assert.False(leg.Ended.IsCompleted, "the call ended");
                await Task.Delay(100, Ct);
            }
        }

        /// <summary>Waits for the start of <paramref name="clip"/>, then presses <paramref name="keys"/> as RFC 4733 events.</summary>
        public async Task<int> PressWhenHeardAsync(short[] clip, string keys, int from = 0)
        {
            var at = await WaitToHearAsync(clip, from);
            foreach (var key in keys)
            {
                await leg.Media!.SendDtmfAsync(key, TimeSpan.FromMilliseconds(100), Ct);
                await Task.Delay(60, Ct);
            }

            return at;
        }

        /// <summary>The loudest 20 ms in the clip's first second: heard only where the clip itself played (not in silence).</summary>
        private static short[] Mark(short[] clip)
        {
            var best = 0;
            long loudest = -1;
            for (var i = 0; i + 160 <= Math.Min(clip.Length, 8000); i += 40)
            {
                long energy = 0;
                for (var j = i; j < i + 160; j++)
                {
                    energy += (long)clip[j] * clip[j];
                }

                if (energy > loudest)
                {
                    (loudest, best) = (energy, i);
                }
            }

            // As it arrives: through G.711 mu-law (the shipped 16-bit prompts lose their low bits on the line).
            return [.. clip[best..(best + 160)].Select(x => G711.DecodeMuLaw(G711.EncodeMuLaw(x)))];
        }

        public async ValueTask DisposeAsync()
        {
            if (!leg.Ended.IsCompleted)
            {
                await leg.HangupAsync();
            }

            await leg.DisposeAsync();
            await ua.DisposeAsync();
        }
    }
}

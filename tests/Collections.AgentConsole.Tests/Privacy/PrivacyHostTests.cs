using System.Net;
using System.Net.Http.Json;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Tests.Hosting;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Recording;
using Collections.Dialer.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace Collections.AgentConsole.Tests.Privacy;

/// <summary>Data protection in the main job (docs/privacy.md): recordings encrypted at rest are downloaded decrypted, plain
/// ones from before as stored, altered ones refused; a key file others can read stops the host; the retention job is
/// scheduled by the host itself.</summary>
public sealed class PrivacyHostTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Directory.CreateTempSubdirectory("privacy-host-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string KeyFile(UnixFileMode mode)
    {
        var path = Path.Combine(_folder, "recording-keys");
        File.WriteAllText(path, RecordingKeyRing.NewKeyLine("k1") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }

    [Fact]
    public async Task A_supervisor_downloads_an_encrypted_recording_decrypted_a_plain_one_as_stored_and_an_altered_one_not_at_all()
    {
        var recordings = Directory.CreateDirectory(Path.Combine(_folder, "recordings")).FullName;
        await using var factory = new ConsoleFactory(("Dialer:Recording:Directory", recordings), ("Dialer:Recording:KeyFile", KeyFile(UnixFileMode.UserRead | UnixFileMode.UserWrite)));
        using var client = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost/") });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { login = DemoUsers.SupervisorLogin, password = DemoUsers.Password }, Ct);
        login.EnsureSuccessStatusCode();

        var wav = new MemoryStream();
        WavFile.WritePcm(wav, [.. Enumerable.Range(0, 16_000).Select(i => (short)(i % 2000))], 8000, channels: 2);
        var (encrypted, plain) = (Guid.NewGuid(), Guid.NewGuid());
        var ring = factory.Services.GetRequiredService<IOptions<RecordingOptions>>().Value.Keys()!;
        using (var writer = new EncryptedRecordingWriter(Path.Combine(recordings, $"{encrypted:D}.wav"), ring))
        {
            writer.Write(wav.ToArray());
        }

        await File.WriteAllBytesAsync(Path.Combine(recordings, $"{plain:D}.wav"), wav.ToArray(), Ct);

        Assert.Equal(wav.ToArray(), await client.GetByteArrayAsync($"/api/recordings/{encrypted}", Ct));
        Assert.Equal(wav.ToArray(), await client.GetByteArrayAsync($"/api/recordings/{plain}", Ct));

        var stored = Path.Combine(recordings, $"{encrypted:D}.wav");
        var bytes = await File.ReadAllBytesAsync(stored, Ct);
        bytes[100] ^= 0x01;
        await File.WriteAllBytesAsync(stored, bytes, Ct);
        var altered = await client.GetAsync($"/api/recordings/{encrypted}", Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, altered.StatusCode);
        Assert.Contains("fails authentication", await altered.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public void A_recording_key_file_others_can_read_stops_the_host_naming_the_key()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var factory = new ConsoleFactory(
            ("Dialer:Recording:Directory", Path.Combine(_folder, "recordings")),
            ("Dialer:Recording:KeyFile", KeyFile(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Dialer:Recording:KeyFile", error.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retention_period_under_a_day_stops_the_host_naming_the_key()
    {
        using var factory = new ConsoleFactory(("Collections:Privacy:RetentionAfterClosed", "00:30:00"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Collections:Privacy:RetentionAfterClosed", error.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_main_job_schedules_the_retention_job()
    {
        await using var factory = new ConsoleFactory();
        using var client = factory.CreateClient();
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);

        // The recurring jobs are installed in the background once the scheduler has started.
        var until = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyCollection<ITrigger> triggers = [];
        while (triggers.Count == 0 && DateTime.UtcNow < until)
        {
            triggers = await scheduler.GetTriggersOfJob(PrivacyRetentionJob.Key, Ct);
            if (triggers.Count == 0)
            {
                await Task.Delay(200, Ct);
            }
        }

        var cron = Assert.IsAssignableFrom<ICronTrigger>(Assert.Single(triggers));
        Assert.Equal("0 15 3 * * ?", cron.CronExpressionString);
    }
}

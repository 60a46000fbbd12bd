using System.Text.Json;
using Collections.Dialer.Amd;
using Collections.Dialer.Cli;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Tests.Amd;

public sealed class AmdCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("amd-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Human(string name)
    {
        var path = Path.Combine(_dir, name);
        WavFile.WritePcm(path, new Synth().Silence(600).Word(400).Silence(3000).Samples);
        return path;
    }

    private string MachineALaw(string name)
    {
        var path = Path.Combine(_dir, name);
        var codes = G711.Encode(new Synth().Silence(300).Words(12, 250, 80).Samples, G711Law.ALaw);
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(4 + 24 + 8 + codes.Length);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((ushort)6);
        w.Write((ushort)1);
        w.Write(8000);
        w.Write(8000);
        w.Write((ushort)1);
        w.Write((ushort)8);
        w.Write("data"u8);
        w.Write(codes.Length);
        w.Write(codes);
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] inputs) => RunWith(AmdProfile.DefaultName, inputs);

    private static (int Exit, string Out, string Err) RunWith(string profile, params string[] inputs)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = AmdCommand.Run(inputs, profile, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Folder_PrintsOneJsonLinePerWavInNameOrder()
    {
        Human("a-human.wav");
        MachineALaw("b-machine.wav");
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not audio");

        var (exit, stdout, stderr) = Run(_dir);

        Assert.Equal(CliOutput.Ok, exit);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var human = JsonDocument.Parse(lines[0]);
        using var machine = JsonDocument.Parse(lines[1]);
        Assert.Equal(["file", "verdict", "decisionMs", "cause", "greetingEndMs"], human.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("a-human.wav", human.RootElement.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Equal("HUMAN", human.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(600 + 400 + 400, human.RootElement.GetProperty("decisionMs").GetInt64());
        Assert.Equal("HUMAN", human.RootElement.GetProperty("cause").GetString());
        Assert.Equal(600 + 400, human.RootElement.GetProperty("greetingEndMs").GetInt64());
        Assert.Equal("MACHINE", machine.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("MAXWORDS", machine.RootElement.GetProperty("cause").GetString());
    }

    [Fact]
    public void AsteriskProfile_CanBeChosen()
    {
        var file = Human("hello.wav");

        var (exit, stdout, _) = RunWith("asterisk-defaults", file);

        Assert.Equal(0, exit);
        Assert.Contains("\"decisionMs\":1800", stdout, StringComparison.Ordinal); // 800 ms after-greeting silence
    }

    [Fact]
    public void MissingFile_ExitsWithTwoAndNamesIt()
    {
        var good = Human("ok.wav");
        var missing = Path.Combine(_dir, "nope.wav");

        var (exit, stdout, stderr) = Run(good, missing);

        Assert.Equal(CliOutput.BadInput, exit);
        Assert.Contains("nope.wav", stderr, StringComparison.Ordinal);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
        Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the good file is still classified
    }

    [Fact]
    public void WideBandWav_ExitsWithTwoAndSaysWhy()
    {
        var path = Path.Combine(_dir, "wideband.wav");
        using (var stream = File.Create(path))
        {
            WavFile.WritePcm(stream, new short[16000], 16000, 1);
        }

        var (exit, stdout, stderr) = Run(path);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("wideband.wav", stderr, StringComparison.Ordinal);
        Assert.Contains("16000 Hz", stderr, StringComparison.Ordinal);
        Assert.Contains("8000 Hz mono", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StereoWav_ExitsWithTwo()
    {
        var path = Path.Combine(_dir, "stereo.wav");
        WavFile.WritePcmStereo(path, new short[800], new short[800]);

        var (exit, _, stderr) = Run(path);

        Assert.Equal(2, exit);
        Assert.Contains("2 channel", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAWav_ExitsWithTwoAndSaysWhy()
    {
        var path = Path.Combine(_dir, "song.wav");
        File.WriteAllText(path, "ID3 this is an mp3");

        var (exit, _, stderr) = Run(path);

        Assert.Equal(2, exit);
        Assert.Contains("song.wav", stderr, StringComparison.Ordinal);
        Assert.Contains("RIFF", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownProfile_ExitsWithTwo()
    {
        var (exit, _, stderr) = RunWith("aggressive", Human("x.wav"));

        Assert.Equal(2, exit);
        Assert.Contains("aggressive", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verb_WithoutArguments_IsAParseErrorWithExitTwo()
    {
        var exit = await CliApp.RunAsync(["amd"], [AmdCommand.Create()], TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }
}

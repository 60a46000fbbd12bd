using Collections.Dialer.Media.Audio;

namespace Collections.Testing;

/// <summary>Reading a call's recording in a test.</summary>
public static class Recordings
{
    /// <summary>
    /// Reads the WAV at <paramref name="path"/> once the bridge has finished it: the bridge writes the file while the call lasts
    /// and completes it when the leg ends, a moment after the hang-up, so an empty or half-written file is read again (up to
    /// 5 s) before it is returned as it is.
    /// </summary>
    public static async Task<WavAudio> ReadWhenCompleteAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var wav = WavFile.Read(path);
                if (wav.FrameCount > 0 || attempt >= 50)
                {
                    return wav;
                }
            }
            catch (Exception ex) when ((ex is IOException or FormatException or InvalidDataException) && attempt < 50)
            {
                // Still being written: read again.
            }

            await Task.Delay(100, ct);
        }
    }
}

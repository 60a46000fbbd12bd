using System.Globalization;

namespace Collections.Dialer.Pacing;

/// <summary>Creates a pacing strategy from its name: predictive, progressive, ratio:&lt;x&gt; or adaptive.</summary>
public static class PacingStrategies
{
    /// <summary>The names accepted by <see cref="TryCreate"/>.</summary>
    public const string Names = "predictive|progressive|ratio:<x>|adaptive";

    /// <summary>Creates the strategy named <paramref name="name"/>; false with a reason when the name is unknown.</summary>
    public static bool TryCreate(string name, PacingOptions options, out IPacingStrategy strategy, out string error)
    {
        strategy = null!;
        error = "";
        switch (name)
        {
            case "predictive":
                strategy = new PredictivePacing(options);
                return true;
            case "progressive":
                strategy = new ProgressivePacing();
                return true;
            case "adaptive":
                strategy = new AdaptiveRatioPacing(options);
                return true;
            default:
                break;
        }

        if (name.StartsWith("ratio:", StringComparison.Ordinal))
        {
            var text = name["ratio:".Length..];
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio >= 1 && ratio <= 10)
            {
                strategy = new FixedRatioPacing(ratio);
                return true;
            }

            error = $"--pacing ratio:<x> needs a number from 1 to 10 lines per ready agent, not '{text}'";
            return false;
        }

        error = $"--pacing must be one of {Names}, not '{name}'";
        return false;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Collections.Shared.Domain;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>Draws a new case into one arm of a strategy's champion/challenger test.</summary>
public static class ArmAssignment
{
    /// <summary>
    /// The arm of <paramref name="strategy"/> case <paramref name="caseId"/> is assigned to: a uniform draw in [0, 100) from a
    /// SHA-256 of the strategy's arm seed, its id and the case id, placed on the arms' cumulative shares. The draw depends on
    /// nothing else (not the order of an import, not the clock, not the case's facts), so it is reproducible, and independent
    /// of everything that could also drive the outcome, which is what makes the comparison of arms a randomised experiment.
    /// </summary>
    /// <remarks>With <paramref name="controls"/>, the shares are those the supervisors left (an arm stopped or promoted on the
    /// analytics page); the draw itself is the same.</remarks>
    public static string Assign(Strategy strategy, CaseId caseId, ArmControls? controls = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Challengers.Count == 0)
        {
            return Strategy.Champion;
        }

        var point = Draw(strategy.ArmSeed, strategy.Id, caseId.Value.ToString("D"));
        var upTo = 0m;
        var arms = (controls ?? ArmControls.None).EffectiveArms(strategy);
        foreach (var arm in arms)
        {
            upTo += arm.SharePercent;
            if (point < upTo)
            {
                return arm.Id;
            }
        }

        return arms.Last(a => a.SharePercent > 0).Id;
    }

    /// <summary>A number in [0, 100) from the hash of the parts: the first 64 bits of SHA-256, scaled.</summary>
    internal static decimal Draw(params string[] parts)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', parts)), hash);
        var bits = BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11; // 53 bits: exact in a double
        return (decimal)(bits / (double)(1UL << 53)) * 100m;
    }
}

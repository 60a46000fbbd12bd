namespace Collections.Dialer.Amd.Training;

/// <summary>Settings of <see cref="GradientBoosting"/>.</summary>
/// <param name="Trees">Boosting rounds.</param>
/// <param name="Depth">Depth of each tree (2^depth leaves at most).</param>
/// <param name="LearningRate">Shrinkage of each tree's output.</param>
/// <param name="MinLeafWeight">Smallest total sample weight in a leaf.</param>
/// <param name="L2">L2 penalty on leaf values (XGBoost's lambda).</param>
/// <param name="Bins">Quantile bins per feature.</param>
/// <param name="RowShare">Share of rows each tree sees (stochastic gradient boosting, Friedman 2002).</param>
/// <param name="Seed">Seed of the row sampling.</param>
public sealed record BoostingOptions(int Trees = 200, int Depth = 3, double LearningRate = 0.1, double MinLeafWeight = 20, double L2 = 1.0, int Bins = 64, double RowShare = 0.7, int Seed = 17);

/// <summary>
/// Gradient-boosted regression trees for a binary label with the logistic loss (Friedman, "Greedy function approximation:
/// a gradient boosting machine", 2001), with second-order leaf values and split gains as in XGBoost (Chen and Guestrin,
/// 2016) over quantile-binned features. Small and deterministic: the same data and options give the same trees.
/// </summary>
public static class GradientBoosting
{
    /// <summary>Trains on rows <paramref name="x"/> (each <paramref name="features"/> long) with labels 0/1 and weights.</summary>
    public static (double BaseScore, AmdTree[] Trees) Train(float[][] x, int features, byte[] y, double[] weight, BoostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        var n = x.Length;
        var cuts = new float[features][];
        var binned = new byte[n * features];
        for (var f = 0; f < features; f++)
        {
            cuts[f] = QuantileCuts(x, f, options.Bins);
            for (var i = 0; i < n; i++)
            {
                binned[(i * features) + f] = (byte)Bin(cuts[f], x[i][f]);
            }
        }

        double positive = 0, total = 0;
        for (var i = 0; i < n; i++)
        {
            positive += y[i] * weight[i];
            total += weight[i];
        }

        var prior = Math.Clamp(positive / total, 1e-6, 1 - 1e-6);
        var baseScore = Math.Log(prior / (1 - prior));
        var score = new double[n];
        Array.Fill(score, baseScore);
        var grad = new double[n];
        var hess = new double[n];
        var random = new Random(options.Seed);
        var trees = new AmdTree[options.Trees];
        var rows = new int[n];
        for (var t = 0; t < options.Trees; t++)
        {
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                var p = LearnedAmdModel.Sigmoid(score[i]);
                grad[i] = (p - y[i]) * weight[i];
                hess[i] = Math.Max(1e-6, p * (1 - p)) * weight[i];
                if (random.NextDouble() < options.RowShare)
                {
                    rows[count++] = i;
                }
            }

            var builder = new TreeBuilder(binned, features, cuts, grad, hess, options);
            trees[t] = builder.Build(rows.AsSpan(0, count).ToArray());
            for (var i = 0; i < n; i++)
            {
                score[i] += trees[t].Evaluate(x[i]);
            }
        }

        return (baseScore, trees);
    }

    private static float[] QuantileCuts(float[][] x, int f, int bins)
    {
        var values = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            values[i] = x[i][f];
        }

        Array.Sort(values);
        var cuts = new SortedSet<float>();
        for (var b = 1; b < bins; b++)
        {
            var v = values[(int)((long)b * (values.Length - 1) / bins)];
            cuts.Add(v);
        }

        cuts.Remove(values[^1]);
        return [.. cuts];
    }

    /// <summary>Bin k holds values in (cuts[k-1], cuts[k]]; the last bin holds values above every cut.</summary>
    private static int Bin(float[] cuts, float value)
    {
        var index = Array.BinarySearch(cuts, value);
        return index >= 0 ? index : ~index;
    }

    private sealed class TreeBuilder(byte[] binned, int features, float[][] cuts, double[] grad, double[] hess, BoostingOptions options)
    {
        private readonly List<int> _feature = [];
        private readonly List<float> _threshold = [];
        private readonly List<int> _left = [];
        private readonly List<int> _right = [];
        private readonly List<float> _value = [];

        public AmdTree Build(int[] rows)
        {
            Grow(rows, 0);
            return new AmdTree([.. _feature], [.. _threshold], [.. _left], [.. _right], [.. _value]);
        }

        private int Grow(int[] rows, int depth)
        {
            var node = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _left.Add(-1);
            _right.Add(-1);
            double g = 0, h = 0;
            foreach (var r in rows)
            {
                g += grad[r];
                h += hess[r];
            }

            _value.Add((float)(-g / (h + options.L2) * options.LearningRate));
            if (depth >= options.Depth || h < 2 * options.MinLeafWeight)
            {
                return node;
            }

            var (feature, bin, gain) = BestSplit(rows, g, h);
            if (feature < 0 || gain <= 1e-9)
            {
                return node;
            }

            var left = rows.Where(r => binned[(r * features) + feature] <= bin).ToArray();
            var right = rows.Where(r => binned[(r * features) + feature] > bin).ToArray();
            _feature[node] = feature;
            _threshold[node] = cuts[feature][bin];
            _left[node] = Grow(left, depth + 1);
            _right[node] = Grow(right, depth + 1);
            return node;
        }

        private (int Feature, int Bin, double Gain) BestSplit(int[] rows, double g, double h)
        {
            var bins = options.Bins + 1;
            var hg = new double[features * bins];
            var hh = new double[features * bins];
            foreach (var r in rows)
            {
                var offset = r * features;
                for (var f = 0; f < features; f++)
                {
                    var k = (f * bins) + binned[offset + f];
                    hg[k] += grad[r];
                    hh[k] += hess[r];
                }
            }

            var parent = g * g / (h + options.L2);
            (int, int, double) best = (-1, 0, 0);
            for (var f = 0; f < features; f++)
            {
                double gl = 0, hl = 0;
                for (var b = 0; b < cuts[f].Length; b++)
                {
                    gl += hg[(f * bins) + b];
                    hl += hh[(f * bins) + b];
                    var gr = g - gl;
                    var hr = h - hl;
                    if (hl < options.MinLeafWeight || hr < options.MinLeafWeight)
                    {
                        continue;
                    }

                    var gain = (gl * gl / (hl + options.L2)) + (gr * gr / (hr + options.L2)) - parent;
                    if (gain > best.Item3)
                    {
                        best = (f, b, gain);
                    }
                }
            }

            return best;
        }
    }
}

# pytorch_bench.py: the book's MNIST CNN in PyTorch, timed the way `convlens bench` times ours (synthetic batches,
# a training step = forward + backward + Adam, inference = forward + softmax, median of timed runs after a
# warm-up run), on 1 and 2 threads. The optional native reference of `./build_wasm.sh bench`: it runs only where
# PyTorch is installed (Debian: apt-get install python3-torch); no test or CI step needs it.
#
#   python3 tests/bench/pytorch_bench.py [--batch 200] [--steps 10] [--runs 5] [--threads 1,2] [--channels-last]
import argparse
import statistics
import time

import torch
from torch import nn


def book_model():
    # Conv2D(16,5x5,same,relu) -> MaxPool2 -> Conv2D(36,5x5,same,relu) -> MaxPool2 -> Dropout .25 -> Flatten ->
    # Dense 128 relu -> Dropout .5 -> Dense 10 (softmax in the loss)
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 36, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(36 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def median_rate(run, batch, steps, runs):
    run(steps)  # warm-up
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run(steps)
        rates.append(batch * steps / (time.perf_counter() - t0))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--batch', type=int, default=200)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--threads', default='1,2')
    parser.add_argument('--channels-last', action='store_true', help='NHWC tensors (faster on some CPUs)')
    args = parser.parse_args()

    torch.manual_seed(42)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    x = torch.rand(args.batch, 1, 28, 28).to(memory_format=fmt)
    y = torch.randint(0, 10, (args.batch,))
    print(f'PyTorch {torch.__version__} ({"channels-last" if args.channels_last else "NCHW"}), batch {args.batch}, '
          f'median of {args.runs} runs x {args.steps} steps after a warm-up run; synthetic data')
    print('threads  train samples/s  infer samples/s')
    for threads in [int(t) for t in args.threads.split(',')]:
        torch.set_num_threads(threads)
        model = book_model().to(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def train(steps):
            model.train()
            for _ in range(steps):
                opt.zero_grad(set_to_none=True)
                loss_fn(model(x), y).backward()
                opt.step()

        def infer(steps):
            model.eval()
            with torch.no_grad():
                for _ in range(steps):
                    torch.softmax(model(x), dim=1)

        train_rate = median_rate(train, args.batch, args.steps, args.runs)
        infer_rate = median_rate(infer, args.batch, args.steps, args.runs)
        print(f'{threads:7d}  {train_rate:15.0f}  {infer_rate:15.0f}', flush=True)


if __name__ == '__main__':
    main()

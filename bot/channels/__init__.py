"""Channel adapters: turn platform events into `Turn`s and `Reply`s into platform messages."""

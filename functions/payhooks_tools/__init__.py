"""Developer and operator tools around the Lambda code (build, benchmarks, local emulator, redrive).

Never packaged into a Lambda zip.
"""

"""The Spark engine: copytrace's stages as Spark jobs, for corpora past one machine.

The same kernels, verification and tie-breaks as the local engine, so that a scan gives the
same matches, clusters and summary counts; see `copytrace.spark` for the API. Importing this
package needs no PySpark; running it does (`pip install "copytrace[spark]"`).
"""

"""The workbench's URLs plus one that fails, to see the 500 page as a user would."""

from django.urls import path

from factcheck.urls import urlpatterns as workbench


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *workbench]

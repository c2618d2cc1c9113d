from django.views.generic import DetailView, ListView

from .models import SuperComplaint


class SuperComplaintListView(ListView):
    model = SuperComplaint


class SuperComplaintDetailView(DetailView):
    model = SuperComplaint

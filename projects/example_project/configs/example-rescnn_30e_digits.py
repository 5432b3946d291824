# The core supervised digits experiment with the example project's backbone.
_base_ = ['../../../configs/supervised/supervised_digits-cnn_30e_digits.py']

custom_imports = dict(
    imports=['projects.example_project.example_project'],
    allow_failed_imports=False)

model = dict(
    backbone=dict(
        _delete_=True, type='ExampleResCNN', in_channels=1, channels=32,
        num_blocks=2),
    head=dict(in_channels=32))
